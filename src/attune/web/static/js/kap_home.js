/* Counts down to the sitter's next check-in. The server writes the due time and its own
   "now" into the page (data-due, data-now), so the count follows the clinic's clock
   even when this phone's clock is off; without this script the page shows the minutes
   left when it was loaded. When the time comes the count says so, once, to screen
   readers too. */
(function () {
  "use strict";

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function setup(element) {
    var due = Date.parse(element.getAttribute("data-due"));
    var serverNow = Date.parse(element.getAttribute("data-now"));
    if (isNaN(due) || isNaN(serverNow)) {
      return;
    }
    var skew = serverNow - Date.now();
    var announce = document.querySelector("[data-countdown-announce]");
    var announced = false;
    var timer = null;

    function update() {
      var left = due - (Date.now() + skew);
      if (left <= 0) {
        element.textContent = "due now";
        element.classList.add("kapp-next__count--due");
        if (!announced && announce) {
          announce.textContent = "The next check-in is due now.";
          announced = true;
        }
        if (timer !== null) {
          window.clearInterval(timer);
        }
        return;
      }
      var seconds = Math.ceil(left / 1000);
      element.textContent = "in " + Math.floor(seconds / 60) + ":" + pad(seconds % 60);
    }

    update();
    timer = window.setInterval(update, 1000);
  }

  var counters = document.querySelectorAll("[data-countdown]");
  for (var i = 0; i < counters.length; i += 1) {
    setup(counters[i]);
  }
})();
