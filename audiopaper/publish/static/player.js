"use strict";
(function () {
  const editions = Array.from(document.querySelectorAll("[data-edition]"));
  let active = null;

  function starts(list) {
    return list.map((el) => parseFloat(el.dataset.start));
  }

  function indexAt(times, t) {
    let found = -1;
    for (let i = 0; i < times.length && times[i] <= t + 0.05; i++) found = i;
    return found;
  }

  function mark(list, index, previous, scroller) {
    if (index === previous) return index;
    if (previous >= 0) {
      list[previous].removeAttribute("aria-current");
      list[previous].classList.remove("current");
    }
    if (index >= 0) {
      const el = list[index];
      el.setAttribute("aria-current", "true");
      el.classList.add("current");
      if (scroller) {
        scroller.scrollTop = el.offsetTop - scroller.offsetTop - scroller.clientHeight / 3;
      }
    }
    return index;
  }

  function setUp(section) {
    const audio = section.querySelector("audio");
    const buttons = Array.from(section.querySelectorAll(".chapters button"));
    const cues = Array.from(section.querySelectorAll(".transcript li"));
    const scroller = section.querySelector(".transcript");
    const chapterTimes = starts(buttons);
    const cueTimes = starts(cues);
    let chapter = -1;
    let cue = -1;
    const player = { audio, chapterTimes, section };

    function update() {
      const t = audio.currentTime;
      chapter = mark(buttons, indexAt(chapterTimes, t), chapter, null);
      cue = mark(cues, indexAt(cueTimes, t), cue, scroller);
    }

    player.seek = function (seconds) {
      active = player;
      audio.currentTime = Math.max(0, seconds);
      update();
      audio.play().catch(() => {});
    };

    buttons.forEach((button, i) => {
      button.addEventListener("click", () => player.seek(chapterTimes[i]));
    });
    ["timeupdate", "seeked", "seeking", "loadedmetadata"].forEach((name) => {
      audio.addEventListener(name, update);
    });
    audio.addEventListener("play", () => {
      active = player;
      editions.forEach((other) => {
        const a = other.querySelector("audio");
        if (a !== audio && !a.paused) a.pause();
      });
    });
    section.addEventListener("focusin", () => { active = player; });
    return player;
  }

  const players = editions.map(setUp);
  active = players[0] || null;

  function jumpChapter(step) {
    const times = active.chapterTimes;
    const t = active.audio.currentTime;
    let i = indexAt(times, t);
    if (step < 0 && i >= 0 && t - times[i] > 3) i += 1;
    const target = Math.min(Math.max(i + step, 0), times.length - 1);
    if (target >= 0) active.seek(times[target]);
  }

  const keys = {
    k: () => (active.audio.paused ? active.audio.play().catch(() => {}) : active.audio.pause()),
    n: () => jumpChapter(1),
    p: () => jumpChapter(-1),
    j: () => active.seek(active.audio.currentTime - 10),
    l: () => active.seek(active.audio.currentTime + 10),
  };
  keys[" "] = keys.k;
  keys["]"] = keys.n;
  keys["["] = keys.p;

  document.addEventListener("keydown", (event) => {
    if (!active || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target.closest("input, textarea, select, [contenteditable]")) return;
    if (event.key === " " && target.closest("button, a, summary, audio")) return;
    const action = keys[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });
})();
