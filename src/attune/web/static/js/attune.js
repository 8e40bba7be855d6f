/* Attune's only script. Every page works without it; it adds:
   - on a questionnaire: the progress count as answers are chosen, a draft saved to the
     server after each choice (JSON, with the page's CSRF token in X-CSRF-Token), and a copy
     kept in this browser's localStorage so answers survive a dropped connection or a
     reload and are sent again once the connection is back;
   - after a questionnaire is submitted, and on log out: the local copy is removed. */
(function () {
  "use strict";

  var PREFIX = "attune-draft-";

  function readStored(key) {
    try {
      var raw = window.localStorage.getItem(key);
      return raw ? JSON.parse(raw) : null;
    } catch (err) {
      return null;
    }
  }

  function writeStored(key, value) {
    try {
      window.localStorage.setItem(key, JSON.stringify(value));
    } catch (err) {
      /* storage may be full or disabled: the server draft still works */
    }
  }

  function removeStored(key) {
    try {
      window.localStorage.removeItem(key);
    } catch (err) {
      /* nothing to do */
    }
  }

  function clearAllDrafts() {
    try {
      var keys = [];
      for (var i = 0; i < window.localStorage.length; i += 1) {
        var key = window.localStorage.key(i);
        if (key && key.indexOf(PREFIX) === 0) {
          keys.push(key);
        }
      }
      keys.forEach(removeStored);
    } catch (err) {
      /* nothing to do */
    }
  }

  function setText(element, text) {
    if (element) {
      element.textContent = text;
    }
  }

  function radioFor(form, itemId, code) {
    var selector = 'input[type="radio"][name="' + CSS.escape(itemId) + '"][value="' +
      CSS.escape(String(code)) + '"]';
    return form.querySelector(selector);
  }

  function setupAnswerForm(form) {
    var key = PREFIX + form.getAttribute("data-assignment");
    var url = form.getAttribute("data-draft-url");
    var tokenInput = form.querySelector('input[name="csrf_token"]');
    var token = tokenInput ? tokenInput.value : "";
    var status = form.querySelector("[data-save-status]");
    var counter = form.querySelector("[data-answered]");
    var bar = form.querySelector("[data-progress]");
    var items = Array.prototype.slice.call(form.querySelectorAll("fieldset[data-item]"));
    var inFlight = false;
    var again = false;

    function answers() {
      var result = {};
      items.forEach(function (fieldset) {
        var checked = fieldset.querySelector('input[type="radio"]:checked');
        result[fieldset.getAttribute("data-item")] = checked ? parseInt(checked.value, 10) : null;
      });
      return result;
    }

    function updateProgress() {
      var count = items.filter(function (fieldset) {
        return fieldset.querySelector('input[type="radio"]:checked') !== null;
      }).length;
      setText(counter, String(count));
      if (bar) {
        bar.value = count;
      }
    }

    function send() {
      if (!url) {
        return;
      }
      if (inFlight) {
        again = true;
        return;
      }
      inFlight = true;
      var current = answers();
      setText(status, "Saving your answer…");
      window.fetch(url, {
        method: "PUT",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
        body: JSON.stringify({ answers: current })
      }).then(function (response) {
        if (response.ok) {
          writeStored(key, { answers: current, sent: true });
          setText(status, "Saved. You can leave and come back to finish later.");
          return null;
        }
        if (response.status === 401) {
          setText(status, "Your session has ended. Your answers are kept on this device; " +
            "log in again to carry on.");
          return null;
        }
        return response.json().then(function (body) {
          var message = body && body.error ? body.error.message : "Your answer could not be saved.";
          setText(status, message);
        });
      }).catch(function () {
        setText(status, "You seem to be offline. Your answers are kept on this device and " +
          "will be saved when the connection is back.");
      }).then(function () {
        inFlight = false;
        if (again) {
          again = false;
          send();
        }
      });
    }

    function remember() {
      writeStored(key, { answers: answers(), sent: false });
    }

    /* Restore answers kept on this device that the page does not show yet. */
    var stored = readStored(key);
    var restored = false;
    if (stored && stored.answers) {
      Object.keys(stored.answers).forEach(function (itemId) {
        var code = stored.answers[itemId];
        if (code === null || code === undefined) {
          return;
        }
        var radio = radioFor(form, itemId, code);
        if (radio && !radio.checked) {
          radio.checked = true;
          restored = true;
        }
      });
    }
    updateProgress();
    if (restored) {
      remember();
      setText(status, "We brought back the answers you had already chosen.");
      send();
    } else if (stored && stored.sent === false) {
      send();
    }

    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target && target.type === "radio") {
        updateProgress();
        remember();
        send();
      }
    });

    window.addEventListener("online", function () {
      var pending = readStored(key);
      if (pending && pending.sent === false) {
        send();
      }
    });
  }

  document.querySelectorAll("form[data-answer-form]").forEach(setupAnswerForm);

  document.querySelectorAll("[data-clear-draft]").forEach(function (element) {
    removeStored(PREFIX + element.getAttribute("data-clear-draft"));
  });

  document.querySelectorAll("form[data-logout]").forEach(function (form) {
    form.addEventListener("submit", clearAllDrafts);
  });
}());
