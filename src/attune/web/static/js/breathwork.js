/* The guided breathing timer. It plays the timeline the server embeds in the page
   (data-timeline: every phase of every round, in milliseconds, from the exercise's data)
   and draws it as a circle that grows while breathing in, stays full while holding,
   shrinks while breathing out and stays small while resting, with the phase's words and
   the seconds left in it.

   - The time comes from performance.now(), so a slow or paused screen never drifts.
   - When the device asks for reduced motion, the circle does not move: the words and the
     count carry the timer.
   - A soft tone at each change of phase is OFF until the person ticks the box (the Web
     Audio API; nothing is downloaded).
   - When the timer stops or ends, the practice log below (if any) gets the minutes. */
(function () {
  "use strict";

  var SMALL = 0.55;
  var FULL = 1;
  var TONES = { inhale: 523.25, hold_in: 659.25, exhale: 392.0, hold_out: 329.63 };

  function ease(t) {
    return t < 0.5 ? 2 * t * t : 1 - Math.pow(-2 * t + 2, 2) / 2;
  }

  function scaleFor(step, fraction) {
    var span = FULL - SMALL;
    if (step.kind === "inhale") {
      return SMALL + span * ease(fraction);
    }
    if (step.kind === "exhale") {
      return FULL - span * ease(fraction);
    }
    return step.kind === "hold_in" ? FULL : SMALL;
  }

  function clockText(ms) {
    var seconds = Math.max(0, Math.ceil(ms / 1000));
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function setup(root) {
    var data;
    try {
      data = JSON.parse(root.getAttribute("data-timeline"));
    } catch (err) {
      return;
    }
    if (!data || !data.steps || !data.steps.length) {
      return;
    }
    var steps = data.steps;
    var total = data.total_ms;
    var circle = root.querySelector("[data-breath-circle]");
    var cue = root.querySelector("[data-breath-cue]");
    var count = root.querySelector("[data-breath-count]");
    var progress = root.querySelector("[data-breath-progress]");
    var startButton = root.querySelector("[data-breath-start]");
    var pauseButton = root.querySelector("[data-breath-pause]");
    var stopButton = root.querySelector("[data-breath-stop]");
    var soundBox = root.querySelector("[data-breath-sound]");
    var stillNote = root.querySelector("[data-breath-still]");
    var motion = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)") : null;

    var startedAt = null; /* performance.now() at the start, moved on by pauses */
    var pausedAt = null;
    var frame = null;
    var current = -1;
    var audio = null;

    function still() {
      return motion !== null && motion.matches;
    }

    function applyMotionPreference() {
      root.classList.toggle("kapp-breath--still", still());
      if (stillNote) {
        stillNote.hidden = !still();
      }
      if (still()) {
        circle.style.transform = "";
      }
    }

    function setText(element, text) {
      if (element && element.textContent !== text) {
        element.textContent = text;
      }
    }

    function tone(kind) {
      if (!soundBox || !soundBox.checked || audio === null) {
        return;
      }
      var now = audio.currentTime;
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.type = "sine";
      osc.frequency.value = TONES[kind] || 440;
      gain.gain.setValueAtTime(0.0001, now);
      gain.gain.exponentialRampToValueAtTime(0.12, now + 0.04);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + 0.5);
      osc.connect(gain);
      gain.connect(audio.destination);
      osc.start(now);
      osc.stop(now + 0.55);
    }

    function ensureAudio() {
      /* Created only after the person asks for sound, inside their click. */
      if (audio !== null || !soundBox || !soundBox.checked) {
        return;
      }
      var Context = window.AudioContext || window.webkitAudioContext;
      if (Context) {
        audio = new Context();
      }
    }

    function indexAt(elapsed) {
      var low = 0;
      var high = steps.length - 1;
      while (low < high) {
        var mid = (low + high + 1) >> 1;
        if (steps[mid].start_ms <= elapsed) {
          low = mid;
        } else {
          high = mid - 1;
        }
      }
      return low;
    }

    function draw(elapsed) {
      var index = indexAt(elapsed);
      var step = steps[index];
      var into = Math.min(step.duration_ms, Math.max(0, elapsed - step.start_ms));
      if (index !== current) {
        current = index;
        root.setAttribute("data-phase", step.kind);
        setText(cue, step.cue);
        tone(step.kind);
      }
      setText(count, String(Math.max(1, Math.ceil((step.duration_ms - into) / 1000))));
      setText(
        progress,
        "Round " + step.cycle + " of " + data.cycles + " · " + clockText(total - elapsed) + " left"
      );
      if (!still()) {
        circle.style.transform = "scale(" + scaleFor(step, into / step.duration_ms).toFixed(4) + ")";
      }
    }

    function logMinutes(elapsed) {
      var form = document.querySelector("[data-practice-log]");
      if (!form) {
        return;
      }
      var minutes = form.querySelector('input[name="minutes"]');
      if (minutes && !minutes.value) {
        minutes.value = String(Math.max(1, Math.round(elapsed / 60000)));
      }
      var protocol = form.querySelector('[name="protocol_id"]');
      if (protocol && protocol.tagName === "SELECT") {
        protocol.value = data.protocol_id;
      }
    }

    function finish(elapsed, completed) {
      if (frame !== null) {
        window.cancelAnimationFrame(frame);
        frame = null;
      }
      startedAt = null;
      pausedAt = null;
      current = -1;
      root.removeAttribute("data-phase");
      root.setAttribute("data-state", completed ? "done" : "stopped");
      circle.style.transform = "";
      setText(count, "");
      setText(cue, completed ? "Well done" : "Stopped");
      setText(
        progress,
        completed
          ? "That was the whole session. Notice how you feel now."
          : "You can start again whenever you like."
      );
      startButton.textContent = "Start again";
      startButton.disabled = false;
      pauseButton.disabled = true;
      pauseButton.textContent = "Pause";
      stopButton.disabled = true;
      logMinutes(elapsed);
    }

    function tick() {
      frame = null;
      if (startedAt === null || pausedAt !== null) {
        return;
      }
      var elapsed = performance.now() - startedAt;
      if (elapsed >= total) {
        finish(total, true);
        return;
      }
      draw(elapsed);
      frame = window.requestAnimationFrame(tick);
    }

    function start() {
      ensureAudio();
      if (audio !== null && audio.state === "suspended") {
        audio.resume();
      }
      startedAt = performance.now();
      pausedAt = null;
      current = -1;
      root.setAttribute("data-state", "running");
      startButton.disabled = true;
      pauseButton.disabled = false;
      stopButton.disabled = false;
      draw(0);
      frame = window.requestAnimationFrame(tick);
    }

    function togglePause() {
      if (startedAt === null) {
        return;
      }
      if (pausedAt === null) {
        pausedAt = performance.now();
        root.setAttribute("data-state", "paused");
        pauseButton.textContent = "Carry on";
        setText(cue, "Paused");
        current = -1;
      } else {
        startedAt += performance.now() - pausedAt;
        pausedAt = null;
        root.setAttribute("data-state", "running");
        pauseButton.textContent = "Pause";
        frame = window.requestAnimationFrame(tick);
      }
    }

    function stop() {
      if (startedAt === null) {
        return;
      }
      var until = pausedAt !== null ? pausedAt : performance.now();
      finish(Math.min(total, until - startedAt), false);
    }

    startButton.addEventListener("click", start);
    pauseButton.addEventListener("click", togglePause);
    stopButton.addEventListener("click", stop);
    if (soundBox) {
      soundBox.addEventListener("change", function () {
        ensureAudio();
        if (audio !== null && audio.state === "suspended") {
          audio.resume();
        }
      });
    }
    if (motion !== null) {
      if (motion.addEventListener) {
        motion.addEventListener("change", applyMotionPreference);
      } else if (motion.addListener) {
        motion.addListener(applyMotionPreference);
      }
    }
    applyMotionPreference();
    root.setAttribute("data-state", "ready");
    root.hidden = false;
    var fallback = document.querySelector("[data-breath-nojs]");
    if (fallback) {
      fallback.hidden = true;
    }
  }

  var timers = document.querySelectorAll("[data-breath-timer]");
  for (var i = 0; i < timers.length; i += 1) {
    setup(timers[i]);
  }
})();
