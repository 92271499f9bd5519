// Clicking an event on the timeline chart opens that event's details below it.
document.addEventListener("click", (ev) => {
  const point = ev.target.closest("svg.chart a.point");
  if (!point) return;
  ev.preventDefault();
  const id = point.dataset.event;
  const box = document.getElementById("event-" + id);
  if (!box) return;
  document.querySelectorAll("svg.chart a.point.active").forEach((p) => p.classList.remove("active"));
  point.classList.add("active");
  box.open = true;
  box.scrollIntoView({ behavior: "smooth", block: "center" });
  history.replaceState(null, "", "#event-" + id);
});
// A link to an event (#event-ID) opens it.
window.addEventListener("DOMContentLoaded", () => {
  if (location.hash.startsWith("#event-")) {
    const box = document.getElementById(location.hash.slice(1));
    if (box) box.open = true;
  }
});
