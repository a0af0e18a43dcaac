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
    const chapterTitles = buttons.map((b) => b.dataset.title || b.textContent);
    let chapter = -1;
    let cue = -1;
    const player = { audio, chapterTimes, section };

    function update() {
      const t = audio.currentTime;
      const before = chapter;
      chapter = mark(buttons, indexAt(chapterTimes, t), chapter, null);
      cue = mark(cues, indexAt(cueTimes, t), cue, scroller);
      if (chapter !== before && active === player) showNowPlaying(player);
    }

    player.nowPlaying = function () {
      return chapter >= 0 ? chapterTitles[chapter] : section.dataset.title;
    };

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
      showNowPlaying(player);
    });
    section.addEventListener("focusin", () => { active = player; });
    // Single-key shortcuts work only while this player has the focus (WCAG 2.1.4):
    // typing elsewhere on the page never starts or moves playback.
    section.addEventListener("keydown", (event) => onKey(player, event));
    return player;
  }

  // Lock screens, headsets and car displays: the current chapter as the title.
  function showNowPlaying(player) {
    if (!("mediaSession" in navigator) || typeof MediaMetadata === "undefined") return;
    const data = player.section.dataset;
    navigator.mediaSession.metadata = new MediaMetadata({
      title: player.nowPlaying(),
      artist: data.title,
      album: data.show,
      artwork: data.artwork
        ? [{ src: new URL(data.artwork, document.baseURI).href, type: "image/png" }]
        : [],
    });
  }

  function setUpMediaSession() {
    if (!("mediaSession" in navigator)) return;
    const handlers = {
      play: () => active && active.audio.play().catch(() => {}),
      pause: () => active && active.audio.pause(),
      previoustrack: () => active && jumpChapter(-1),
      nexttrack: () => active && jumpChapter(1),
      seekbackward: () => active && active.seek(active.audio.currentTime - 10),
      seekforward: () => active && active.seek(active.audio.currentTime + 10),
      seekto: (details) => active && active.seek(details.seekTime),
    };
    Object.entries(handlers).forEach(([name, handler]) => {
      try {
        navigator.mediaSession.setActionHandler(name, handler);
      } catch (error) {
        // an action this browser does not know
      }
    });
  }

  const players = editions.map(setUp);
  active = players[0] || null;
  setUpMediaSession();

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

  function onKey(player, event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target.closest("input, textarea, select, [contenteditable]")) return;
    if (event.key === " " && target.closest("button, a, summary, audio")) return;
    const action = keys[event.key];
    if (!action) return;
    active = player;
    event.preventDefault();
    action();
  }
})();
