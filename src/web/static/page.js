// Progressive enhancement only: every page works without this file.
// 打印: the button is hidden until this script can make it print the page.
for (const button of document.querySelectorAll('button[data-print]')) {
  button.hidden = false;
  button.addEventListener('click', () => window.print());
}
// 您的问题可能已有答复: answers offered as a title is typed (data-suggest: where to ask; data-suggest-into: where to
// show them). Without this script the form shows them once, when it is first submitted; with it, the form says so.
for (const input of document.querySelectorAll('input[data-suggest]')) {
  const box = document.getElementById(input.dataset.suggestInto);
  const seen = input.form?.elements.namedItem('faqSeen');
  let timer;
  let asked = '';
  const ask = async () => {
    const q = input.value.trim();
    if (q === asked) return;
    asked = q;
    if (q.length < 4) {
      box.replaceChildren();
      return;
    }
    try {
      const res = await fetch(`${input.dataset.suggest}?${new URLSearchParams({ q })}`);
      if (!res.ok || q !== asked) return;
      box.innerHTML = await res.text();
      if (seen) seen.value = '1';
    } catch {
      // offline: the form asks on submitting instead
    }
  };
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(ask, 400);
  });
}
// 在线访谈: a live stream's posts appear as they are published (data-live: the stream; data-after: the last post on
// the page). Without this script the page says to refresh it; the browser reconnects by itself when a connection
// drops, from the last post it has.
for (const list of document.querySelectorAll('ol[data-live]')) {
  if (!('EventSource' in window)) break;
  const status = document.querySelector('[data-live-status]');
  const source = new EventSource(`${list.dataset.live}?after=${list.dataset.after}`);
  source.addEventListener('post', (e) => {
    const { seq, html } = JSON.parse(e.data);
    if (document.getElementById(`p${seq}`)) return;
    list.insertAdjacentHTML('beforeend', html);
    list.dataset.after = String(seq);
  });
  source.addEventListener('open', () => {
    if (status) status.textContent = '正在直播，新内容将自动显示。';
  });
  source.addEventListener('end', () => {
    source.close();
    if (status) status.textContent = '访谈已结束，以上为文字实录。';
  });
}
