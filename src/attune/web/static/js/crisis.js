/* Shows a questionnaire's crisis resources the moment a critical answer is chosen
   (e.g. PHQ-9 item 9 above "Not at all"), before the answers are sent. Without this
   script the server shows the same box when the page is re-rendered and on the
   thank-you page. */
(function () {
  "use strict";

  function update(box) {
    var link = box.getAttribute("data-crisis-for");
    var minimum = parseInt(box.getAttribute("data-crisis-min"), 10);
    var chosen = document.querySelector('input[name="' + link + '"]:checked');
    var show = chosen !== null && parseInt(chosen.value, 10) >= minimum;
    if (show && box.hidden) {
      box.hidden = false;
    } else if (!show) {
      box.hidden = true;
    }
  }

  function updateAll() {
    var boxes = document.querySelectorAll("[data-crisis-for]");
    for (var i = 0; i < boxes.length; i += 1) {
      update(boxes[i]);
    }
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.type === "radio") {
      updateAll();
    }
  });
  updateAll();
})();
