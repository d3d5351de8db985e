// Waiting times on a page (a paused code, the text-message cooldown), counted down where scripts run.
// Served from our origin (CSP script-src 'self'); without it the page still says the time in words.
//   [data-countdown=N]      text: "in N seconds" / "in N minutes", counting down from N seconds
//   [data-enable-after=N]   a disabled button, enabled after N seconds
//   [data-hide-after=N]     hidden after N seconds (the "you can ask in …" line)
//   [data-show-after=N]     shown after N seconds (the "try again" link)
//   time[data-local-time]   the time in the reader's own zone (the server only knows UTC)
// It counts from when the page loaded, not by the device's clock, which may be wrong. Its words are
// the page's language (<html lang>) through Intl.RelativeTimeFormat: "in 5 seconds", « dans 5 secondes ».
(() => {
  const loaded = performance.now();
  const left = (element, attribute) => Number(element.getAttribute(attribute)) - (performance.now() - loaded) / 1000;
  const lang = document.documentElement.lang || 'en';
  const relative = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
  const words = (seconds) => {
    const s = Math.max(1, Math.ceil(seconds));
    return s < 60 ? relative.format(s, 'second') : relative.format(Math.ceil(s / 60), 'minute');
  };

  for (const time of document.querySelectorAll('time[data-local-time]')) {
    const at = new Date(time.getAttribute('datetime'));
    if (!Number.isNaN(at.getTime())) time.textContent = at.toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' });
  }

  const tick = () => {
    let waiting = false;
    for (const element of document.querySelectorAll('[data-countdown]')) {
      const seconds = left(element, 'data-countdown');
      element.textContent = seconds > 0 ? words(seconds) : relative.format(0, 'second');
      waiting ||= seconds > 0;
    }
    for (const button of document.querySelectorAll('button[data-enable-after]')) {
      const ready = left(button, 'data-enable-after') <= 0;
      if (ready) button.disabled = false;
      waiting ||= !ready;
    }
    for (const element of document.querySelectorAll('[data-hide-after]')) {
      element.hidden = left(element, 'data-hide-after') <= 0;
      waiting ||= !element.hidden;
    }
    for (const element of document.querySelectorAll('[data-show-after]')) {
      element.hidden = left(element, 'data-show-after') > 0;
      waiting ||= element.hidden;
    }
    if (waiting) setTimeout(tick, 1000);
  };
  tick();
})();
