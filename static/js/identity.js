/* 身份验证: preview, camera, shrinking big photos in the browser, upload progress, polling.
   The page works without this script: the form posts normally and the server explains every refusal. */
(function () {
  "use strict";

  // 检查中: ask the server every few seconds and reload when the state changes.
  var state = document.getElementById("identity-state");
  if (state && state.dataset.pollUrl) {
    var poll = function () {
      fetch(state.dataset.pollUrl, { credentials: "same-origin", headers: { "X-Requested-With": "XMLHttpRequest" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (data && data.state !== state.dataset.state) { window.location.reload(); }
        })
        .catch(function () { /* offline for a moment: try again next time */ });
    };
    window.setInterval(poll, 4000);
  }

  var form = document.getElementById("identity-form");
  if (!form) { return; }
  var MAX_BYTES = parseInt(form.dataset.maxBytes, 10);
  var TARGET_BYTES = MAX_BYTES - 96 * 1024; // leave room: the limit is "smaller than 2 MB"
  var prepared = {};   // slot -> File actually sent (shrunk when needed)
  var pending = {};    // slot -> Promise while shrinking

  function kb(bytes) { return Math.ceil(bytes / 1024) + " KB"; }
  function mb(bytes) { return (bytes / 1024 / 1024).toFixed(1) + " MB"; }
  function note(slot, text) { document.getElementById(slot + "-note").textContent = text; }
  function setError(slot, text) {
    var input = form.querySelector("input[name='" + slot + "']");
    var box = document.getElementById(slot + "-error");
    box.textContent = text || "";
    input.classList.toggle("is-invalid", !!text);
    // The message is read with the input: aria-describedby names it while it shows.
    var described = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (id) {
      return id && id !== box.id;
    });
    if (text) {
      input.setAttribute("aria-invalid", "true");
      described.push(box.id);
    } else {
      input.removeAttribute("aria-invalid");
    }
    input.setAttribute("aria-describedby", described.join(" "));
  }
  function preview(slot, file) {
    var holder = form.querySelector("[data-preview-for='" + slot + "']");
    var img = holder.querySelector("img");
    var empty = holder.querySelector(".photo-preview-empty");
    if (img.dataset.url) { URL.revokeObjectURL(img.dataset.url); }
    // Empty boxes stay one line high, so 提交照片 is not pushed far down on a phone.
    holder.classList.toggle("is-empty", !file);
    if (!file) { img.hidden = true; empty.hidden = false; return; }
    img.onerror = function () {
      img.hidden = true;
      empty.hidden = false;
      holder.classList.add("is-empty");
      empty.textContent = "无法预览";
      note(slot, "浏览器无法显示这个文件，它可能不是 JPG 或 PNG 格式的照片。");
    };
    empty.textContent = "尚未选择照片";
    img.dataset.url = URL.createObjectURL(file);
    img.src = img.dataset.url;
    img.hidden = false;
    empty.hidden = true;
  }

  function loadBitmap(file) {
    if (window.createImageBitmap) {
      return createImageBitmap(file, { imageOrientation: "from-image" });
    }
    return new Promise(function (resolve, reject) {
      var img = new Image();
      img.onload = function () { resolve(img); };
      img.onerror = reject;
      img.src = URL.createObjectURL(file);
    });
  }
  function toBlob(canvas, quality) {
    return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", quality); });
  }
  // Redraw on a canvas as JPEG, smaller and smaller, until it is under the limit.
  function shrink(file) {
    return loadBitmap(file).then(function (bitmap) {
      var width = bitmap.width, height = bitmap.height;
      var attempts = [[2000, 0.9], [2000, 0.8], [1600, 0.8], [1280, 0.75], [1024, 0.7], [800, 0.7]];
      function attempt(index) {
        var side = attempts[index][0], quality = attempts[index][1];
        var scale = Math.min(1, side / Math.max(width, height));
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(width * scale);
        canvas.height = Math.round(height * scale);
        canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
        return toBlob(canvas, quality).then(function (blob) {
          if (blob && blob.size < TARGET_BYTES) { return blob; }
          if (index + 1 < attempts.length) { return attempt(index + 1); }
          throw new Error("too large");
        });
      }
      return attempt(0);
    });
  }

  function useFile(input, file) {
    var slot = input.name;
    try {  // so that even a plain (non-XHR) submit sends the shrunk photo
      var transfer = new DataTransfer();
      transfer.items.add(file);
      input.files = transfer.files;
    } catch (e) { /* older browsers: the XHR upload below still uses the prepared file */ }
    prepared[slot] = file;
  }

  function prepare(input) {
    var slot = input.name;
    var file = input.files && input.files[0];
    setError(slot, "");
    delete prepared[slot];
    if (!file) { preview(slot, null); note(slot, ""); return; }
    if (file.size < TARGET_BYTES && /^image\/(jpeg|png)$/.test(file.type)) {
      prepared[slot] = file;
      preview(slot, file);
      note(slot, "已选择照片，大小 " + kb(file.size) + "。");
      return;
    }
    note(slot, "照片较大（" + mb(file.size) + "），正在压缩…");
    pending[slot] = shrink(file).then(function (blob) {
      var name = (file.name || "photo").replace(/\.[^.]*$/, "") + ".jpg";
      var small = new File([blob], name, { type: "image/jpeg" });
      useFile(input, small);
      preview(slot, small);
      note(slot, "已自动压缩：" + mb(file.size) + " → " + kb(small.size) + "。");
    }).catch(function () {
      preview(slot, null);
      note(slot, "");
      setError(slot, "无法在浏览器中处理这张照片，请换一张 JPG 或 PNG 格式的照片，或用手机相机直接拍摄。");
    }).then(function () { delete pending[slot]; });
  }

  form.querySelectorAll("[data-preview-for]").forEach(function (box) { box.hidden = false; });
  form.querySelectorAll("input[type='file'][name]").forEach(function (input) {
    input.addEventListener("change", function () { prepare(input); });
    var camera = form.querySelector("[data-camera-input='" + input.name + "']");
    var button = form.querySelector("[data-camera-for='" + input.name + "']");
    if (camera && button) {
      button.hidden = false;
      button.addEventListener("click", function () { camera.click(); });
      camera.addEventListener("change", function () {
        var file = camera.files && camera.files[0];
        if (!file) { return; }
        try {
          var transfer = new DataTransfer();
          transfer.items.add(file);
          input.files = transfer.files;
          prepare(input);
        } catch (e) {
          prepared[input.name] = file;
          preview(input.name, file);
        }
      });
    }
  });

  var progressBox = document.getElementById("upload-progress-box");
  var progress = document.getElementById("upload-progress");
  var progressText = document.getElementById("upload-progress-text");
  var summary = document.getElementById("identity-form-errors");
  var submit = form.querySelector("button[type='submit']");

  // lines: sentences; links: [input, text] pairs listed under them, each a link to its input.
  function showSummary(lines, links) {
    summary.textContent = "";
    lines.forEach(function (line) {
      var p = document.createElement("p");
      p.className = "mb-1";
      p.textContent = line;
      summary.appendChild(p);
    });
    if (links && links.length) {
      var list = document.createElement("ul");
      list.className = "error-summary mb-0";
      links.forEach(function (pair) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = "#" + pair[0].id;
        link.className = "alert-link";
        link.textContent = pair[1];
        item.appendChild(link);
        list.appendChild(item);
      });
      summary.appendChild(list);
    }
    summary.hidden = lines.length === 0 && !(links && links.length);
  }

  form.addEventListener("submit", function (event) {
    if (!window.FormData || !window.XMLHttpRequest) { return; }
    event.preventDefault();
    var waits = Object.keys(pending).map(function (slot) { return pending[slot]; });
    submit.disabled = true;
    Promise.all(waits).then(function () {
      var data = new FormData(form);
      Object.keys(prepared).forEach(function (slot) { data.set(slot, prepared[slot], prepared[slot].name); });
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("action") || window.location.pathname);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      progressBox.hidden = false;
      progress.value = 0;
      progressText.textContent = "0%";
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) { return; }
        var percent = Math.round(e.loaded / e.total * 100);
        progress.value = percent;
        progressText.textContent = percent === 100 ? "100%，正在检查照片…" : percent + "%";
      });
      xhr.addEventListener("load", function () {
        var reply = null;
        try { reply = JSON.parse(xhr.responseText); } catch (e) { reply = null; }
        if (reply && reply.ok) { window.location.href = reply.redirect; return; }
        submit.disabled = false;
        progressBox.hidden = true;
        if (!reply) { showSummary(["提交失败（" + xhr.status + "），请稍后重试。"]); return; }
        var lines = (reply.non_field_errors || []).slice();
        var links = [];
        var missingOnly = true;
        Object.keys(reply.errors || {}).forEach(function (slot) {
          var input = form.querySelector("input[name='" + slot + "']");
          setError(slot, reply.errors[slot].join(" "));
          links.push([input, reply.errors[slot].join(" ")]);
          if (input.files && input.files.length) { missingOnly = false; }
        });
        if (links.length) {
          lines.push(missingOnly ? "还有照片没有选择：" : "以下照片需要处理后重新提交：");
        }
        showSummary(lines, links);
        summary.focus();
      });
      xhr.addEventListener("error", function () {
        submit.disabled = false;
        progressBox.hidden = true;
        showSummary(["网络连接中断，照片没有提交成功。请检查网络后重试。"]);
      });
      xhr.send(data);
    });
  });
})();
