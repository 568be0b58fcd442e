// The question page: countdown, saving answers as they are given, keyboard shortcuts.
// Everything works without this file: the form posts and the server keeps the time.
(function () {
  "use strict";
  var form = document.querySelector("form.answer-form");

  // Countdown. The server enforces the deadline; this only shows it. Screen readers hear
  // the time at 15, 5 and 1 minutes left, never every second.
  var timer = document.querySelector(".timer");
  if (timer) {
    var left = parseInt(timer.dataset.secondsLeft, 10);
    var value = timer.querySelector(".timer-value");
    var announce = timer.querySelector(".timer-announce");
    var toggle = timer.querySelector(".timer-toggle");
    var hidden = timer.dataset.hidden === "true" || localStorage.getItem("certprep-hide-timer") === "1";
    var started = Date.now();
    var thresholds = [15 * 60, 5 * 60, 60];
    announce.textContent = "";
    function show() {
      value.hidden = hidden;
      toggle.textContent = hidden ? "Show timer" : "Hide timer";
      toggle.setAttribute("aria-pressed", hidden ? "true" : "false");
    }
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      hidden = !hidden;
      localStorage.setItem("certprep-hide-timer", hidden ? "1" : "0");
      show();
    });
    show();
    function pad(n) { return (n < 10 ? "0" : "") + n; }
    function tick() {
      var now = Math.max(0, left - Math.floor((Date.now() - started) / 1000));
      value.textContent = Math.floor(now / 3600) + ":" + pad(Math.floor(now % 3600 / 60)) + ":" + pad(now % 60);
      thresholds.forEach(function (threshold, i) {
        if (threshold && now <= threshold && left > threshold) {
          announce.textContent = Math.round(threshold / 60) + (threshold === 60 ? " minute" : " minutes") + " left.";
          thresholds[i] = 0;
        }
      });
      if (now === 0) {
        window.location.reload(); // the server submits the test and shows the review
        return;
      }
      window.setTimeout(tick, 1000);
    }
    tick();
  }

  if (!form) { return; }
  var token = form.querySelector("input[name=csrf_token]").value;
  var status = form.querySelector(".save-status");

  // Save each change without a page load; the CSRF token travels in a header.
  function save() {
    if (form.dataset.autosave !== "true") { return; }
    var data = new FormData(form);
    data.delete("go");
    fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin",
      headers: {"Accept": "application/json", "X-CSRFToken": token}
    }).then(function (response) {
      return response.json().then(function (body) {
        if (response.status === 409 && body.review) { window.location = body.review; return; }
        status.textContent = body.saved ? "Answer saved." : (body.message || "Not saved.");
        var link = document.querySelector(".navigator a[aria-current=page]");
        if (link && body.saved) {
          link.classList.toggle("answered", body.answered);
          link.classList.toggle("unanswered", !body.answered);
          link.classList.toggle("flagged", body.flagged);
        }
      });
    }).catch(function () { status.textContent = "Not saved: check your connection."; });
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "strike") {
      event.target.closest(".option").classList.toggle("struck", event.target.checked);
    }
    save();
  });

  function press(go) {
    var button = form.querySelector("button[data-go=" + go + "]");
    if (button) { button.click(); }
    return Boolean(button);
  }
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (target.matches("input[type=text], input:not([type]), textarea, select")) { return; }
    var key = event.key.toUpperCase();
    var options = form.querySelectorAll("input[name=response]");
    var index = "123456".indexOf(key);
    if (index < 0) { index = "ABCDE".indexOf(key); }  // F is taken by "flag"; 6 picks option F
    if (key === "F") {
      var flag = form.querySelector("input[name=flag]");
      if (flag) { flag.click(); }
    } else if (index >= 0 && index < options.length && !options[index].disabled) {
      options[index].click();
      options[index].focus();
    } else if (key === "N") {
      press("next") || press("check");
    } else if (key === "P") {
      press("prev");
    } else {
      return;
    }
    event.preventDefault();
  });
})();
