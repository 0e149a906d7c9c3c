/* Portal behaviour that needs JavaScript; every page also works without it. */
(function () {
  "use strict";

  // Captcha 换: fetch a new challenge without reloading (django-simple-captcha's
  // refresh view); the spoken challenge follows the new key.
  document.querySelectorAll("[data-captcha-refresh]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var form = button.closest("form");
      var keyInput = form.querySelector("input[name$='captcha_0']");
      fetch(button.dataset.captchaRefresh, { headers: { "X-Requested-With": "XMLHttpRequest" } })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          var audioButton = form.querySelector("[data-captcha-audio]");
          if (audioButton) {
            audioButton.dataset.captchaAudio = audioButton.dataset.captchaAudio.replace(keyInput.value, data.key);
          }
          form.querySelector("img.captcha").src = data.image_url;
          keyInput.value = data.key;
          var answer = form.querySelector("input[name$='captcha_1']");
          answer.value = "";
          answer.focus();
        });
    });
  });

  // 听语音验证码: play the current challenge spoken in Mandarin (a WAV file the
  // portal generates) in an <audio> element beside the image; focus stays on
  // the button, so pressing it again replays the challenge.
  // Without JavaScript the <noscript> link beside it opens the file instead.
  document.querySelectorAll("[data-captcha-audio]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var audio = button.parentNode.querySelector("audio.captcha-audio");
      if (!audio) {
        audio = document.createElement("audio");
        audio.className = "captcha-audio";
        audio.hidden = true;
        button.parentNode.appendChild(audio);
      }
      if (audio.getAttribute("src") !== button.dataset.captchaAudio) {
        audio.src = button.dataset.captchaAudio;
      }
      audio.currentTime = 0;
      audio.play();
    });
  });

  // Idle timeout: warn two minutes before the session ends; 继续 extends it
  // with a background request, so nothing typed on the page is lost.
  var body = document.body;
  var idleSeconds = parseInt(body.dataset.idleSeconds || "0", 10);
  var warningSeconds = parseInt(body.dataset.idleWarningSeconds || "0", 10);
  var box = document.getElementById("idle-warning");
  if (!idleSeconds || !box) { return; }
  var countdown = document.getElementById("idle-countdown");
  var continueButton = document.getElementById("idle-continue");
  var deadline, ticker;

  function restart() {
    deadline = Date.now() + idleSeconds * 1000;
    box.hidden = true;
  }
  function tick() {
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    if (left <= warningSeconds) {
      box.hidden = false;
      countdown.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
    }
    if (left === 0) {
      clearInterval(ticker);
      box.querySelector("p").textContent = "登录已超时，请重新登录。已填写的内容仍保留在本页，重新登录后请再次提交。";
      continueButton.hidden = true;
    }
  }
  continueButton.addEventListener("click", function () {
    var csrf = document.cookie.match(/csrftoken=([^;]+)/);
    fetch(continueButton.dataset.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf ? csrf[1] : "", "X-Requested-With": "XMLHttpRequest" }
    }).then(function (response) {
      if (response.ok) { restart(); }
    });
  });
  window.portalIdle = { restart: restart, tick: tick, setDeadline: function (ms) { deadline = ms; } };
  restart();
  ticker = setInterval(tick, 1000);
})();
