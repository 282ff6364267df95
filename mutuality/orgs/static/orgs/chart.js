// Org chart: when the picture is wider than the screen (a phone), start with the top
// unit in view instead of the chart's left edge. The chart works without this file.
(function () {
  "use strict";
  function focus() {
    document.querySelectorAll(".orgchart[data-focus-x]").forEach(function (box) {
      var x = Number(box.dataset.focusX);
      if (box.scrollWidth > box.clientWidth && x > 0) {
        box.scrollLeft = Math.max(0, x - box.clientWidth / 2);
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focus);
  } else {
    focus();
  }
})();
