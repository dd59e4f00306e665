// Calendar page: show "not updated since HH:MM" when a periodic refresh fails.
// htmx keeps the last view on a failed request; this only tells the reader.
(function () {
  "use strict";
  var lastSuccess = new Date();
  var notice = document.getElementById("refresh-notice");

  function formatTime(moment) {
    return moment.toLocaleTimeString(document.documentElement.lang || undefined, {
      hour: "2-digit",
      minute: "2-digit",
    });
  }

  function isRefresh(event) {
    var target = event.detail && event.detail.elt;
    return target && (target.id === "week" || target.id === "today");
  }

  function markFailed(event) {
    if (!notice || !isRefresh(event)) return;
    var time = notice.querySelector("time");
    time.textContent = formatTime(lastSuccess);
    time.setAttribute("datetime", lastSuccess.toISOString());
    notice.hidden = false;
  }

  document.addEventListener("htmx:afterRequest", function (event) {
    if (!isRefresh(event)) return;
    if (event.detail.successful) {
      lastSuccess = new Date();
      if (notice) notice.hidden = true;
    } else {
      markFailed(event);
    }
  });
  document.addEventListener("htmx:sendError", markFailed);
  document.addEventListener("htmx:timeout", markFailed);
})();
