// Gallery enhancements: infinite scroll, viewer keys, the multi-file uploader.
// Every page works without this file; it only makes the same links and forms nicer.
"use strict";

(() => {
  document.documentElement.classList.add("js");

  // --- Infinite scroll: load the next page's tiles when "More photos" comes into view.
  // How many pages were added and where the window was are kept in the history entry, so
  // coming back to it (Back from a photo's page, or a reload) loads as many pages again
  // and returns to the same place instead of the top of the first page.
  function setUpInfiniteScroll() {
    const grid = document.querySelector("[data-photo-grid]");
    const link = document.querySelector("[data-more]");
    if (!grid || !link || !("IntersectionObserver" in window)) return;
    let loading = false;
    let pages = 0;

    const remember = (fields) => {
      const state = history.state && typeof history.state === "object" ? history.state : {};
      history.replaceState({ ...state, grid: { ...state.grid, ...fields } }, "");
    };

    const lastOf = (selector, key) => {
      const found = grid.querySelectorAll(selector);
      return found.length ? found[found.length - 1].dataset[key] : null;
    };

    // Fetch the page `link` points at, add its tiles, and point `link` at the page after
    // (or take the pager away at the end). Throws when the page cannot be had.
    async function append() {
      const url = new URL(link.href, window.location.href);
      url.searchParams.set("fragment", "1");
      const response = await fetch(url, { credentials: "same-origin" });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const doc = new DOMParser().parseFromString(await response.text(), "text/html");
      const nextLink = doc.querySelector("[data-more]");
      nextLink?.closest(".pager")?.remove();
      const first = doc.body.firstElementChild;
      if (first?.classList.contains("month-heading") && first.dataset.month === lastOf(".month-heading", "month")) {
        first.remove(); // the month continues from the previous page
      }
      const firstDay = doc.body.firstElementChild;
      if (firstDay?.classList.contains("day-heading") && firstDay.dataset.day === lastOf(".day-heading", "day")) {
        firstDay.remove(); // and so does the day
      }
      grid.append(...Array.from(doc.body.children).map((el) => document.adoptNode(el)));
      grid.dispatchEvent(new CustomEvent("tiles-added"));
      pages += 1;
      if (nextLink) {
        link.href = nextLink.getAttribute("href");
        return true;
      }
      link.closest(".pager")?.remove();
      return false;
    }

    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) loadMore();
      },
      { rootMargin: "600px 0px" },
    );

    async function loadMore() {
      if (loading) return;
      loading = true;
      link.setAttribute("aria-busy", "true");
      link.textContent = "Loading…";
      try {
        const more = await append();
        remember({ pages });
        // Observe again: a link still in view after the new tiles reports itself once more.
        observer.unobserve(link);
        if (more) observer.observe(link);
      } catch (error) {
        // Leave the plain link in place: pressing it loads the next page normally, and
        // scrolling to it again tries again.
      }
      link.textContent = "More photos";
      link.removeAttribute("aria-busy");
      loading = false;
    }

    let saving = null;
    const savePlace = () => {
      clearTimeout(saving);
      remember({ y: Math.round(window.scrollY) });
    };
    window.addEventListener("scroll", () => {
      clearTimeout(saving);
      saving = setTimeout(savePlace, 200);
    }, { passive: true });
    // Leaving before the pause is over (a tap on a photo right after a fling) still
    // writes down where the grid was.
    document.addEventListener("click", (event) => {
      if (event.target.closest("a[href]")) savePlace();
    }, true);
    window.addEventListener("pagehide", savePlace);

    async function restore(saved) {
      loading = true;
      let more = true;
      try {
        while (more && pages < saved.pages) more = await append();
      } catch (error) {
        // What could be loaded stays; the link loads the rest.
      }
      loading = false;
      window.scrollTo({ top: saved.y || 0, behavior: "instant" });
      savePlace(); // a reload right away must find the same place
      if (more) observer.observe(link);
    }

    // The grid puts the window back itself: left to the browser, the place would be
    // clamped to the first page's height and written down as if the person had scrolled.
    // Only coming back (Back, Forward, a reload) returns to the place: following a link
    // to this same address (the menu's "Photos") starts at the top, although Chromium
    // hands such a visit the entry's old state.
    history.scrollRestoration = "manual";
    const visit = performance.getEntriesByType("navigation")[0]?.type;
    const saved = visit === "reload" || visit === "back_forward" ? history.state?.grid : null;
    if (saved) {
      restore(saved);
    } else {
      remember({ pages: 0, y: 0 });
      observer.observe(link);
    }
  }

  // --- Viewer: arrow keys for previous/next, Escape back to the grid.
  function setUpViewerKeys() {
    const viewer = document.querySelector("[data-viewer]");
    if (!viewer) return;
    document.addEventListener("keydown", (event) => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
      const target = event.target;
      if (target.closest("input, textarea, select, [contenteditable], details[open]")) return;
      const selector = { ArrowLeft: "[data-prev]", ArrowRight: "[data-next]", Escape: "[data-back]" }[
        event.key
      ];
      if (!selector) return;
      const link = viewer.querySelector(selector);
      if (link) {
        event.preventDefault();
        window.location.assign(link.href);
      }
    });
  }

  // --- Uploader: one request per file, a few at a time, with progress and errors per file.
  const MAX_IN_FLIGHT = 3;

  function setUpUploader() {
    const form = document.querySelector("[data-uploader]");
    if (!form) return;
    const input = form.querySelector("input[type=file]");
    const albumSelect = form.querySelector("select[name=album]");
    const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    const status = document.querySelector("[data-upload-status]");
    const list = status.querySelector("[data-upload-list]");
    const results = status.querySelector("[data-upload-results]");
    const summary = status.querySelector("[data-upload-summary]");
    const dropZone = form.querySelector("[data-drop-zone]");
    const tileWidths = JSON.parse(document.getElementById("upload-tile-widths").textContent);
    const accepted = JSON.parse(document.getElementById("upload-accepted").textContent);
    const maxBytes = Number(form.dataset.maxBytes);
    const usage = document.querySelector("[data-storage-usage]");
    const queue = [];
    const counts = { done: 0, duplicate: 0, failed: 0, total: 0 };
    let inFlight = 0;

    function updateSummary() {
      const finished = counts.done + counts.duplicate + counts.failed;
      const parts = [`${finished} of ${counts.total} finished`];
      if (counts.done) parts.push(`${counts.done} uploaded`);
      if (counts.duplicate) parts.push(`${counts.duplicate} already in your library`);
      if (counts.failed) parts.push(`${counts.failed} failed`);
      summary.textContent = parts.join(" · ");
    }

    function addRow(file) {
      const row = document.createElement("li");
      row.className = "upload-item";
      const name = document.createElement("span");
      name.className = "upload-name";
      name.textContent = file.name;
      const progress = document.createElement("progress");
      progress.max = 100;
      progress.value = 0;
      progress.setAttribute("aria-label", `Upload progress for ${file.name}`);
      const message = document.createElement("span");
      message.className = "upload-message";
      message.textContent = "Waiting…";
      row.append(name, progress, message);
      list.append(row);
      return { row, progress, message };
    }

    // Sizes as the server's pages write them (Django's filesizeformat).
    function formatSize(bytes) {
      const units = ["KB", "MB", "GB", "TB"];
      if (bytes < 1024) return `${bytes}\u00a0byte${bytes === 1 ? "" : "s"}`;
      let value = bytes / 1024;
      let unit = 0;
      while (value >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit += 1;
      }
      return `${value.toFixed(1)}\u00a0${units[unit]}`;
    }

    // What the server would refuse anyway, refused before a byte travels.
    function refusal(file) {
      const name = file.name.toLowerCase();
      const isVideo = accepted.video_types.includes(file.type) || accepted.video_extensions.some((ext) => name.endsWith(ext));
      if (isVideo) {
        if (file.size > accepted.max_video_bytes) {
          return `This video is larger than the ${form.dataset.maxVideoMb} MB limit (${formatSize(file.size)}); it was not sent.`;
        }
        return "";
      }
      if (file.size > maxBytes) {
        return `This file is larger than the ${form.dataset.maxMb} MB limit (${formatSize(file.size)}); it was not sent.`;
      }
      const known = accepted.types.includes(file.type) || accepted.extensions.some((ext) => name.endsWith(ext));
      if (!known) return `Pikoshi takes ${accepted.description} photos and ${accepted.video_description} videos; this file was not sent.`;
      return "";
    }

    // The storage figure above counts each original that arrives.
    function countStored(bytes) {
      if (!usage || !bytes) return;
      const used = Number(usage.dataset.used) + bytes;
      usage.dataset.used = String(used);
      usage.querySelector("[data-usage-used]").textContent = formatSize(used);
      const quota = Number(usage.dataset.quota || 0);
      if (quota) {
        usage.querySelector("[data-usage-left]").textContent = formatSize(Math.max(0, quota - used));
        usage.querySelector("[data-usage-meter]").value = Math.min(100, Math.round((used / quota) * 100));
      }
    }

    function finish(ui, state, text, link) {
      ui.row.classList.add(`is-${state}`);
      // A failed file's bar is emptied (and red): nothing of it was kept.
      ui.progress.value = state === "error" ? 0 : 100;
      ui.message.textContent = text;
      if (link) {
        ui.message.append(" — ");
        const a = document.createElement("a");
        a.href = link;
        a.textContent = "view it";
        ui.message.append(a);
      }
      counts[state === "error" ? "failed" : state] += 1;
      updateSummary();
    }

    // Alt text like the server's tiles: the title, else the day it was taken. taken_at
    // comes in the site's time zone, so its first ten characters are that day.
    function altText(photo) {
      if (photo.title) return photo.title;
      const [year, month, day] = photo.taken_at.slice(0, 10).split("-").map(Number);
      const date = new Date(Date.UTC(year, month - 1, day));
      const format = { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" };
      return `Photo taken ${date.toLocaleDateString("en-GB", format)}`;
    }

    // The same markup as templates/gallery/_tile.html, from the API's answer.
    function tile(photo) {
      const link = document.createElement("a");
      link.className = "tile";
      link.href = photo.web_url;
      const urls = photo.urls || {};
      if (urls.thumb) {
        const img = document.createElement("img");
        img.src = urls.thumb;
        img.srcset = ["thumb", "mobile"]
          .filter((name) => urls[name])
          .map((name) => `${urls[name]} ${tileWidths[name]}w`)
          .join(", ");
        img.sizes = "(max-width: 640px) 34vw, 180px";
        img.width = 300;
        img.height = 200;
        img.alt = altText(photo);
        img.loading = "lazy";
        img.decoding = "async";
        link.append(img);
      } else {
        const pending = document.createElement("span");
        pending.className = "tile-pending";
        pending.setAttribute("role", "img");
        pending.setAttribute("aria-label", altText(photo));
        pending.dataset.status = photo.status;
        pending.textContent = photo.status === "failed" ? "Could not be processed" : "Processing…";
        link.append(pending);
      }
      return link;
    }

    // A MOV sent at the same moment as its still may answer as a video before the still's
    // upload folds it into the Live Photo: such a video is gone, and its tile goes too.
    let liveSeen = false;
    function settleLivePhotos() {
      for (const shown of results.querySelectorAll('.tile[data-kind="video"]')) {
        fetch(`/api/photos/${shown.dataset.id}/`, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then((answer) => {
            if (answer.status !== 404) return;
            shown.uploadRow.message.textContent = "Uploaded — the motion of a Live Photo";
            shown.remove();
          })
          .catch(() => {});
      }
    }

    // What an answer of the API means for one file's row: the same for a single POST and
    // for the last part of a resumable upload (whose photo comes with its status).
    function answered(ui, status, body) {
      if (status === 401 || (status < 300 && !body.id)) {
        finish(ui, "error", "You were signed out. Reload the page, sign in and try again.");
      } else if (status === 201) {
        // A Live Photo's still and MOV answer with the same photo: one tile for both.
        finish(ui, "done", body.live ? "Uploaded — a Live Photo" : "Uploaded");
        countStored(body.bytes);
        const made = tile(body);
        made.dataset.id = body.id;
        made.dataset.kind = body.kind;
        made.uploadRow = ui;
        const same = [...results.children].find((el) => el.dataset.id === body.id);
        if (same) same.replaceWith(made);
        else results.append(made);
        if (body.live) liveSeen = true;
        if (liveSeen) settleLivePhotos();
      } else if (status === 200) {
        let text = body.restored ? "Was in the trash — restored" : "Already in your library";
        if (body.added) text += " — added to the album";
        finish(ui, "duplicate", text, body.web_url);
      } else if (status === 403) {
        finish(ui, "error", "Your session expired. Reload the page and try again.");
      } else if (body.detail) {
        finish(ui, "error", body.detail);
      } else if (status === 413) {
        finish(ui, "error", "This file is too large to upload.");
      } else {
        finish(ui, "error", `The server could not take this file (error ${status}). Try again later.`);
      }
    }

    // One upload path for the page and the apps: POST /api/photos/ with the session
    // cookie and the CSRF header, answered in the API's shape ({"detail", "code"} on errors).
    function send(item) {
      inFlight += 1;
      const { file, ui } = item;
      const data = new FormData();
      data.append("file", file, file.name);
      if (albumSelect) data.append("album", albumSelect.value);
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.dataset.uploadUrl);
      xhr.setRequestHeader("X-CSRFToken", csrf);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.responseType = "json";
      ui.message.textContent = "Uploading…";
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable) ui.progress.value = Math.round((event.loaded / event.total) * 95);
      };
      xhr.onload = () => answered(ui, xhr.status, xhr.response || {});
      xhr.onerror = () => finish(ui, "error", "The upload failed: check your connection and try again.");
      xhr.onloadend = () => {
        inFlight -= 1;
        pump();
      };
      xhr.send(data);
    }

    // --- Large files in parts (tus 1.0.0, /api/uploads/): a dropped connection costs only
    // the part on its way; the page asks where the upload stands and goes on from there,
    // and a file chosen again after a reload continues where it stopped.
    const resumableBytes = Number(form.dataset.resumableBytes);
    const partBytes = Number(form.dataset.partBytes);
    const TUS = { "Tus-Resumable": "1.0.0", "X-CSRFToken": csrf };
    const RETRIES = 8;

    function tus(method, url, { headers = {}, body = null, progress = null } = {}) {
      return new Promise((resolve) => {
        const xhr = new XMLHttpRequest();
        xhr.open(method, url);
        Object.entries({ ...TUS, ...headers }).forEach(([name, value]) => xhr.setRequestHeader(name, value));
        xhr.setRequestHeader("Accept", "application/json");
        if (progress) xhr.upload.onprogress = progress;
        xhr.onload = () => {
          let json = {};
          try {
            json = JSON.parse(xhr.responseText || "{}");
          } catch (error) {
            json = {};
          }
          resolve({ status: xhr.status, json, header: (name) => xhr.getResponseHeader(name) });
        };
        xhr.onerror = () => resolve({ status: 0, json: {}, header: () => null });
        xhr.send(body);
      });
    }

    const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const base64 = (text) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));

    function resumeKey(file) {
      const album = albumSelect ? albumSelect.value : "";
      return `pikoshi-upload:${file.name}:${file.size}:${file.lastModified}:${album}`;
    }

    function remembered(key) {
      try {
        return localStorage.getItem(key);
      } catch (error) {
        return null;
      }
    }

    function remember(key, url) {
      try {
        if (url) localStorage.setItem(key, url);
        else localStorage.removeItem(key);
      } catch (error) {
        /* private mode: resuming after a reload is not offered */
      }
    }

    // Where an upload stands: its offset, or null when it is not there any more.
    async function offsetOf(url) {
      const answer = await tus("HEAD", url);
      if (answer.status === 200) return Number(answer.header("Upload-Offset"));
      if (answer.status === 404) return null;
      return undefined; // no answer (offline): ask again later
    }

    async function start(file) {
      const metadata = [`filename ${base64(file.name)}`];
      if (albumSelect && albumSelect.value) metadata.push(`album ${base64(albumSelect.value)}`);
      const answer = await tus("POST", form.dataset.resumableUrl, {
        headers: { "Upload-Length": String(file.size), "Upload-Metadata": metadata.join(",") },
      });
      return answer;
    }

    async function sendInParts(item) {
      const { file, ui } = item;
      const key = resumeKey(file);
      let url = remembered(key);
      let offset = url ? await offsetOf(url) : null;
      if (url && offset === null) url = null;
      if (!url) {
        const created = await start(file);
        if (created.status !== 201) {
          answered(ui, created.status, created.json);
          return;
        }
        url = created.header("Location");
        offset = 0;
        remember(key, url);
      } else if (offset) {
        ui.message.textContent = `Continuing from ${Math.round((offset / file.size) * 100)} %…`;
      }
      let failures = 0;
      while (true) {
        if (offset === undefined) offset = await offsetOf(url);
        if (offset === null) {
          remember(key, null);
          finish(ui, "error", "This upload is no longer on the server (it expired). Choose the file again.");
          return;
        }
        if (offset !== undefined) {
          const part = file.slice(offset, Math.min(file.size, offset + partBytes));
          const from = offset;
          if (!failures) ui.message.textContent = "Uploading…";
          const answer = await tus("PATCH", url, {
            headers: { "Upload-Offset": String(from), "Content-Type": "application/offset+octet-stream" },
            body: part,
            progress: (event) => {
              if (event.lengthComputable) ui.progress.value = Math.round(((from + event.loaded) / file.size) * 95);
            },
          });
          if (answer.status === 204) {
            failures = 0;
            offset = Number(answer.header("Upload-Offset"));
            ui.progress.value = Math.round((offset / file.size) * 95);
            if (offset >= file.size) {
              remember(key, null);
              const state = await tus("GET", url);
              const photo = state.json.photo;
              if (!photo) answered(ui, state.status, state.json);
              else answered(ui, photo.duplicate ? 200 : 201, photo);
              return;
            }
            continue;
          }
          const passing = answer.status === 0 || answer.status === 409 || answer.status === 423 || answer.status >= 500;
          if (!passing) {
            remember(key, null);
            answered(ui, answer.status, answer.json);
            return;
          }
          offset = undefined; // ask the server where it stands before the next part
        }
        failures += 1;
        if (failures > RETRIES) {
          finish(ui, "error", `The upload stopped at ${ui.progress.value} %. Check your connection, then choose the file again: it continues where it stopped.`);
          return;
        }
        ui.message.textContent = "Connection lost — trying again…";
        await wait(Math.min(30000, 500 * 2 ** (failures - 1)));
      }
    }

    function sendResumable(item) {
      inFlight += 1;
      sendInParts(item)
        .catch(() => finish(item.ui, "error", "The upload failed: check your connection and try again."))
        .finally(() => {
          inFlight -= 1;
          pump();
        });
    }

    function pump() {
      while (inFlight < MAX_IN_FLIGHT && queue.length) {
        const item = queue.shift();
        if (item.file.size >= resumableBytes) sendResumable(item);
        else send(item);
      }
    }

    function enqueue(files) {
      const images = Array.from(files);
      if (!images.length) return;
      status.hidden = false;
      images.forEach((file) => {
        const ui = addRow(file);
        counts.total += 1;
        const refused = refusal(file);
        if (refused) finish(ui, "error", refused);
        else queue.push({ file, ui });
      });
      updateSummary();
      pump();
    }

    // Leaving the page would cut the uploads still on their way: the browser asks first.
    // (The photos page opens in a new tab from the status line, to browse meanwhile.)
    window.addEventListener("beforeunload", (event) => {
      if (inFlight || queue.length) {
        event.preventDefault();
        event.returnValue = "";
      }
    });

    input.addEventListener("change", () => {
      enqueue(input.files);
      input.value = "";
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      enqueue(input.files);
      input.value = "";
    });

    // Files can be dropped anywhere on the page, not only on the drop zone.
    let dragDepth = 0;
    const hasFiles = (event) => Array.from(event.dataTransfer?.types || []).includes("Files");
    document.addEventListener("dragenter", (event) => {
      if (!hasFiles(event)) return;
      dragDepth += 1;
      dropZone.classList.add("is-dragging");
    });
    document.addEventListener("dragleave", (event) => {
      if (!hasFiles(event)) return;
      dragDepth = Math.max(0, dragDepth - 1);
      if (!dragDepth) dropZone.classList.remove("is-dragging");
    });
    document.addEventListener("dragover", (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
    });
    document.addEventListener("drop", (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      dragDepth = 0;
      dropZone.classList.remove("is-dragging");
      enqueue(event.dataTransfer.files);
    });
  }

  // --- Selection: checks on the tiles; shift for ranges, a day at once, a long press on
  // touch; while anything is selected a tap on a photo selects it instead of opening it.
  const LONG_PRESS_MS = 500;

  function setUpSelection() {
    const grid = document.querySelector("[data-photo-grid]");
    const bar = document.querySelector("[data-selection-bar]");
    if (!grid || !bar) return;
    const count = bar.querySelector("[data-selection-count]");
    const clear = bar.querySelector("[data-selection-clear]");
    let anchor = null; // the check the last range starts from
    let pressTimer = null;
    let pressed = null; // a tile whose long press selected it: its click is not a visit

    const boxes = () => Array.from(grid.querySelectorAll(".tile-select"));
    const selected = () => boxes().filter((box) => box.checked);

    function refresh() {
      const n = selected().length;
      count.textContent = n ? `${n} selected` : "";
      clear.hidden = !n;
      grid.classList.toggle("is-selecting", n > 0);
      bar.classList.toggle("is-active", n > 0);
    }

    function showDayButtons() {
      grid.querySelectorAll("[data-select-day][hidden]").forEach((button) => {
        button.hidden = false;
      });
    }

    function selectRange(from, to, on) {
      const all = boxes();
      const [a, b] = [all.indexOf(from), all.indexOf(to)].sort((x, y) => x - y);
      if (a < 0) return;
      all.slice(a, b + 1).forEach((box) => {
        box.checked = on;
      });
    }

    function toggle(box, { range = false } = {}) {
      if (range && anchor && anchor !== box) selectRange(anchor, box, true);
      else box.checked = !box.checked;
      anchor = box;
      refresh();
    }

    grid.addEventListener("click", (event) => {
      const box = event.target.closest(".tile-select");
      if (box) {
        // The browser has toggled it already; a shift-click makes it a range.
        if (event.shiftKey && anchor && anchor !== box) selectRange(anchor, box, true);
        anchor = box;
        refresh();
        return;
      }
      const day = event.target.closest("[data-select-day]");
      if (day) {
        const heading = day.closest(".day-heading");
        const inDay = [];
        for (let el = heading.nextElementSibling; el && el.classList.contains("tile-cell"); el = el.nextElementSibling) {
          inDay.push(el.querySelector(".tile-select"));
        }
        const on = inDay.some((box) => !box.checked);
        inDay.forEach((box) => {
          box.checked = on;
        });
        refresh();
        return;
      }
      const tile = event.target.closest(".tile");
      if (!tile) return;
      const cell = tile.closest(".tile-cell");
      if (pressed === cell) {
        event.preventDefault();
        pressed = null;
        return;
      }
      if (grid.classList.contains("is-selecting")) {
        event.preventDefault();
        toggle(cell.querySelector(".tile-select"), { range: event.shiftKey });
      }
    });

    // Space toggles a focused check by itself; shift+space takes the range to it.
    grid.addEventListener("keydown", (event) => {
      const box = event.target.closest(".tile-select");
      if (box && event.key === " " && event.shiftKey && anchor && anchor !== box) {
        event.preventDefault();
        selectRange(anchor, box, true);
        anchor = box;
        refresh();
      }
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && selected().length) {
        selected().forEach((box) => {
          box.checked = false;
        });
        anchor = null;
        refresh();
      }
    });
    clear.addEventListener("click", () => {
      selected().forEach((box) => {
        box.checked = false;
      });
      anchor = null;
      refresh();
    });

    // A long press on a touch screen selects the photo under the finger.
    grid.addEventListener("pointerdown", (event) => {
      if (event.pointerType !== "touch") return;
      const cell = event.target.closest(".tile-cell");
      if (!cell || event.target.closest(".tile-select")) return;
      clearTimeout(pressTimer);
      pressTimer = setTimeout(() => {
        const box = cell.querySelector(".tile-select");
        if (!box.checked) toggle(box);
        pressed = cell;
        if (navigator.vibrate) navigator.vibrate(20);
      }, LONG_PRESS_MS);
    });
    ["pointerup", "pointercancel", "pointermove"].forEach((type) =>
      grid.addEventListener(type, (event) => {
        if (type === "pointermove" && Math.abs(event.movementX) + Math.abs(event.movementY) < 8) return;
        clearTimeout(pressTimer);
      }),
    );
    // No menu over a photo held down to select it.
    grid.addEventListener("contextmenu", (event) => {
      if (event.target.closest(".tile-cell") && grid.classList.contains("is-selecting")) event.preventDefault();
    });

    grid.addEventListener("tiles-added", showDayButtons);
    showDayButtons();
    refresh();
  }

  // --- Justified rows: photos at their own aspect ratio, rows as wide as the grid at
  // close to a target height; the row break that lands nearer the target wins, and the
  // last row of each day keeps the target height instead of stretching. Widths are set
  // through the CSSOM, which the CSP allows where a style attribute would not be.
  function setUpJustifiedGrid() {
    const grid = document.querySelector("[data-photo-grid]");
    if (!grid || !grid.querySelector(".tile-cell[data-ar]")) return;
    let width = 0;

    function place(row, height, gap, fill) {
      let left = fill ? width - gap * (row.length - 1) : Infinity;
      row.forEach(({ cell, ar }, i) => {
        let w = Math.floor(ar * height * 100) / 100;
        if (fill && i === row.length - 1) w = Math.floor(left * 100) / 100;
        left -= w;
        cell.style.width = `${w}px`;
      });
    }

    function layout() {
      // clientWidth is rounded; a row a fraction wider than the grid would wrap.
      width = Math.floor(grid.getBoundingClientRect().width * 100) / 100 - 0.5;
      const phone = width < 600;
      const target = phone ? 120 : 200;
      const gap = phone ? 3 : 4;
      const groups = [[]];
      for (const el of grid.children) {
        if (el.classList.contains("tile-cell")) {
          const ar = Number(el.dataset.ar) || 1;
          el.style.setProperty("--ar", String(ar));
          groups[groups.length - 1].push({ cell: el, ar });
        } else if (groups[groups.length - 1].length) {
          groups.push([]);
        }
      }
      for (const cells of groups) {
        let row = [];
        let sum = 0;
        for (const item of cells) {
          row.push(item);
          sum += item.ar;
          const height = (width - gap * (row.length - 1)) / sum;
          if (height > target) continue;
          if (row.length > 1) {
            const without = (width - gap * (row.length - 2)) / (sum - item.ar);
            if (Math.abs(without - target) < Math.abs(height - target)) {
              row.pop();
              place(row, without, gap, true);
              row = [item];
              sum = item.ar;
              continue;
            }
          }
          place(row, height, gap, true);
          row = [];
          sum = 0;
        }
        if (row.length) place(row, Math.min(target, (width - gap * (row.length - 1)) / sum), gap, false);
      }
      grid.classList.add("is-justified");
    }

    grid.addEventListener("tiles-added", layout);
    new ResizeObserver(() => {
      if (Math.abs(grid.getBoundingClientRect().width - 0.5 - width) > 1) layout();
    }).observe(grid);
    layout();
  }

  // --- Live Photos: the motion plays over the photo, muted, while a mouse is over it,
  // while a finger holds it (a tap stays a tap), or once through from its button.
  const HOLD_MS = 250;

  function setUpLivePhotos() {
    for (const live of document.querySelectorAll("[data-live]")) {
      const motion = live.querySelector(".live-motion");
      const button = live.querySelector("[data-live-play]");
      if (!motion || !button) continue;
      let hold = null;
      const stop = () => {
        clearTimeout(hold);
        live.classList.remove("is-playing");
        button.setAttribute("aria-pressed", "false");
        motion.pause();
      };
      const play = () => {
        live.classList.add("is-playing");
        button.setAttribute("aria-pressed", "true");
        motion.currentTime = 0;
        motion.play().catch(stop);
      };
      motion.addEventListener("ended", stop);
      button.addEventListener("click", () => (live.classList.contains("is-playing") ? stop() : play()));
      live.addEventListener("pointerenter", (event) => {
        if (event.pointerType === "mouse") play();
      });
      live.addEventListener("pointerleave", (event) => {
        if (event.pointerType === "mouse") stop();
      });
      let touching = false;
      live.addEventListener("pointerdown", (event) => {
        if (event.pointerType === "mouse" || button.contains(event.target)) return;
        touching = true;
        hold = setTimeout(play, HOLD_MS);
      });
      for (const type of ["pointerup", "pointercancel"]) {
        live.addEventListener(type, () => {
          if (!touching) return;
          touching = false;
          stop();
        });
      }
      // A finger held on the photo plays it, instead of opening the browser's image menu.
      live.addEventListener("contextmenu", (event) => {
        if (touching) event.preventDefault();
      });
    }
  }

  function start() {
    setUpLivePhotos();
    setUpJustifiedGrid();
    setUpSelection();
    setUpInfiniteScroll();
    setUpViewerKeys();
    setUpUploader();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
