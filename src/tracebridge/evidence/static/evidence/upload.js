// Upload with a progress bar; without JavaScript the form posts normally.
(function () {
  var form = document.getElementById("upload-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  var bar = document.getElementById(form.dataset.progress);
  var status = document.getElementById("upload-status");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "application/json");
    bar.hidden = false;
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) bar.value = Math.round((100 * e.loaded) / e.total);
    });
    xhr.addEventListener("load", function () {
      if (xhr.status === 200) {
        var body = JSON.parse(xhr.responseText);
        status.textContent = body.reference + " SHA-256 " + body.sha256;
        window.location.reload();
      } else {
        status.textContent = form.dataset.failed + " (" + xhr.status + ")";
      }
    });
    xhr.addEventListener("error", function () { status.textContent = form.dataset.failed; });
    xhr.send(new FormData(form));
  });
})();
