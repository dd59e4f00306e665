// Calendar page: show "not updated since HH:MM" when a periodic refresh fails.
// htmx keeps the last view on a failed request, and this script only shows the notice.
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

  // beforeOnLoad fires while the polled element is still in the page; after an
  // outerHTML swap, later events on it no longer reach the document.
  document.addEventListener("htmx:beforeOnLoad", function (event) {
    if (!isRefresh(event)) return;
    var status = event.detail.xhr.status;
    if (status >= 200 && status < 300) {
      lastSuccess = new Date();
      if (notice) notice.hidden = true;
    } else {
      markFailed(event);
    }
  });
  document.addEventListener("htmx:sendError", markFailed);
  document.addEventListener("htmx:timeout", markFailed);
})();
