// The overlay viewer over a grid: PhotoSwipe 5 (vendored, static/vendor/photoswipe/).
//
// Keys (← → Esc, Z to zoom), swipe, pinch and double-tap zoom into the display variant
// come with PhotoSwipe; this adds fullscreen, a slideshow, "Details" (the page of the
// photo, with what its details policy shows), download when the grid offers one, and the
// address: opening a photo pushes its own page's URL, moving replaces it, Back closes the
// viewer where the grid was, and that URL opened anywhere is the photo's page.

const script = document.querySelector("script[data-photoswipe]");
const grid = document.querySelector("[data-photo-grid]");
const SLIDESHOW_MS = 4000;

function button(name, title, order, html, onClick) {
  return { name, title, order, isButton: true, html, onClick };
}

async function start() {
  if (!script || !grid) return;
  const { default: PhotoSwipeLightbox } = await import(script.dataset.lightbox);
  const lightbox = new PhotoSwipeLightbox({
    gallery: grid,
    children: "a.tile[data-pswp-src]",
    pswpModule: () => import(script.dataset.core),
    bgOpacity: 0.95,
    preload: [1, 2],
    showHideAnimationType: "fade",
    imageClickAction: "zoom",
    tapAction: "toggle-controls",
    doubleTapAction: "zoom",
    closeTitle: "Close (Esc)",
    zoomTitle: "Zoom (Z)",
    arrowPrevTitle: "Previous (←)",
    arrowNextTitle: "Next (→)",
    errorMsg: "This photo could not be loaded.",
  });

  // While photos are being selected, a click on one selects it (gallery.js) instead.
  lightbox.addFilter("clickedIndex", (index) => (grid.classList.contains("is-selecting") ? -1 : index));
  lightbox.addFilter("itemData", (data) => {
    const link = data.element;
    if (link) {
      const img = link.querySelector("img");
      data.alt = img ? img.alt : "";
      data.pageUrl = link.getAttribute("href");
      data.download = link.dataset.download || "";
      if (link.dataset.video) {
        data.type = "video"; // the display variant is its poster
        data.video = link.dataset.video;
      }
      if (link.dataset.motion) data.motion = link.dataset.motion; // a Live Photo
    }
    return data;
  });

  // Videos play in a <video> on their slide: no zoom (PhotoSwipe zooms images only), the
  // poster while it loads, paused when the slide is left, space to play or pause. The
  // controls bar keeps its pointer so seeking does not drag the slide; above it a swipe
  // still moves to the next item.
  lightbox.on("contentLoad", (event) => {
    const { content } = event;
    if (content.type !== "video") return;
    event.preventDefault();
    content.element = document.createElement("div");
    content.element.className = "pswp__content pswp-video";
    const video = document.createElement("video");
    video.controls = true;
    video.playsInline = true;
    video.preload = "metadata";
    video.poster = content.data.src;
    video.src = content.data.video;
    video.setAttribute("aria-label", content.data.alt || "Video");
    video.addEventListener("pointerdown", (e) => {
      if (e.offsetY > video.clientHeight - 56) e.stopPropagation();
    });
    content.element.append(video);
  });
  lightbox.on("contentDeactivate", ({ content }) => {
    content.element?.querySelector("video")?.pause();
  });
  // Live Photos stay images (zoom works); their motion plays muted over the image, the
  // same size, while a mouse is over it, while a finger holds it still, or once through
  // from the Live button or with space.
  function motionOf(slide, create) {
    const img = slide?.content?.element;
    if (!slide?.data?.motion || !img || img.tagName !== "IMG") return null;
    let motion = slide.container.querySelector("video.pswp-motion");
    if (!motion && create) {
      motion = document.createElement("video");
      motion.className = "pswp-motion";
      motion.muted = true;
      motion.playsInline = true;
      motion.preload = "auto";
      motion.src = slide.data.motion;
      motion.setAttribute("aria-hidden", "true");
      motion.addEventListener("ended", () => stopMotion(slide));
      slide.container.append(motion);
    }
    if (motion) {
      motion.style.width = img.style.width;
      motion.style.height = img.style.height;
    }
    return motion;
  }
  function playMotion(slide) {
    const motion = motionOf(slide, true);
    if (!motion) return;
    motion.currentTime = 0;
    motion.classList.add("is-playing");
    lightbox.pswp?.element?.classList.add("is-live-playing");
    motion.play().catch(() => stopMotion(slide));
  }
  function stopMotion(slide) {
    const motion = motionOf(slide, false);
    lightbox.pswp?.element?.classList.remove("is-live-playing");
    if (!motion) return;
    motion.pause();
    motion.classList.remove("is-playing");
  }
  const toggleMotion = (slide) =>
    motionOf(slide, false)?.classList.contains("is-playing") ? stopMotion(slide) : playMotion(slide);

  lightbox.on("contentActivate", ({ content }) => {
    const img = content.element;
    if (!content.data.motion || !img || img.dataset.live) return;
    img.dataset.live = "true";
    const slide = () => content.slide;
    let hold = null;
    let from = null;
    img.addEventListener("pointerenter", (e) => e.pointerType === "mouse" && playMotion(slide()));
    img.addEventListener("pointerleave", (e) => e.pointerType === "mouse" && stopMotion(slide()));
    img.addEventListener("pointerdown", (e) => {
      if (e.pointerType === "mouse") return;
      from = [e.clientX, e.clientY];
      hold = setTimeout(() => playMotion(slide()), 300);
    });
    img.addEventListener("pointermove", (e) => {
      // A finger that moves is swiping or panning, not holding.
      if (from && Math.hypot(e.clientX - from[0], e.clientY - from[1]) > 10) clearTimeout(hold);
    });
    for (const type of ["pointerup", "pointercancel"]) {
      img.addEventListener(type, (e) => {
        if (e.pointerType === "mouse" || !from) return;
        from = null;
        clearTimeout(hold);
        stopMotion(slide());
      });
    }
    img.addEventListener("contextmenu", (e) => from && e.preventDefault());
  });
  lightbox.on("contentDeactivate", ({ content }) => {
    if (content.slide) stopMotion(content.slide);
  });

  lightbox.on("keydown", ({ originalEvent }) => {
    if (originalEvent.key === " " && lightbox.pswp.currSlide?.data?.motion) {
      originalEvent.preventDefault();
      toggleMotion(lightbox.pswp.currSlide);
      return;
    }
    const video = lightbox.pswp.currSlide?.content?.element?.querySelector?.("video");
    // On the <video> itself, space is the player's own key already.
    if (originalEvent.key !== " " || !video || originalEvent.target.tagName === "VIDEO") return;
    originalEvent.preventDefault();
    if (video.paused) video.play();
    else video.pause();
  });

  let pushed = false; // did opening add an entry to the history?
  let closingFromHistory = false;
  let slideshow = null;
  let scrolled = 0; // where the grid was, to come back to it

  function stopSlideshow() {
    clearInterval(slideshow);
    slideshow = null;
    document.querySelector(".pswp")?.classList.remove("is-playing");
  }

  lightbox.on("uiRegister", () => {
    const pswp = lightbox.pswp;
    pswp.ui.registerElement(
      button("slideshow", "Slideshow", 8, '<span aria-hidden="true">▶</span>', () => {
        if (slideshow) return stopSlideshow();
        pswp.element.classList.add("is-playing");
        slideshow = setInterval(() => pswp.next(), SLIDESHOW_MS);
      }),
    );
    pswp.ui.registerElement(
      button("fullscreen", "Fullscreen", 9, '<span aria-hidden="true">⛶</span>', () => {
        if (document.fullscreenElement) document.exitFullscreen();
        else pswp.element.requestFullscreen?.().catch(() => {});
      }),
    );
    pswp.ui.registerElement({
      name: "details",
      order: 10,
      isButton: true,
      tagName: "a",
      title: "Details",
      html: '<span aria-hidden="true">ⓘ</span>',
      onInit: (el) => {
        el.setAttribute("aria-label", "Details");
        pswp.on("change", () => {
          el.href = pswp.currSlide.data.pageUrl || "#";
        });
      },
    });
    // The info panel: the details list of the photo's own page (the no-JavaScript
    // fallback), fetched when the panel opens, so camera and place appear exactly when
    // the page would show them to this person through this album or link.
    let panel = null;
    const fill = async () => {
      const url = pswp.currSlide.data.pageUrl || "";
      if (!panel || panel.hidden) return;
      panel.replaceChildren();
      if (!url) return;
      const answer = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (!answer.ok || pswp.currSlide.data.pageUrl !== url || panel.hidden) return;
      const doc = new DOMParser().parseFromString(await answer.text(), "text/html");
      const list = doc.querySelector("[data-photo-info]");
      if (list) panel.replaceChildren(document.adoptNode(list));
    };
    pswp.ui.registerElement({
      name: "live",
      order: 6,
      isButton: true,
      title: "Live Photo: play its motion (Space)",
      html: '<span aria-hidden="true">◉</span> Live',
      onInit: (el) => {
        el.setAttribute("aria-label", "Live Photo: play its motion");
        pswp.on("change", () => {
          el.hidden = !pswp.currSlide.data.motion;
        });
      },
      onClick: () => toggleMotion(pswp.currSlide),
    });
    pswp.ui.registerElement(
      button("info", "Information (I)", 7, '<span aria-hidden="true">ℹ</span>', () => {
        panel.hidden = !panel.hidden;
        fill();
      }),
    );
    pswp.ui.registerElement({
      name: "info-panel",
      order: 13,
      isButton: false,
      appendTo: "root",
      className: "pswp-info",
      onInit: (el) => {
        panel = el;
        el.hidden = true;
        el.setAttribute("role", "region");
        el.setAttribute("aria-label", "Information");
        pswp.on("change", fill);
        pswp.on("keydown", ({ originalEvent }) => {
          if (originalEvent.key === "i") {
            el.hidden = !el.hidden;
            fill();
          }
        });
      },
    });
    pswp.ui.registerElement({
      name: "download",
      order: 11,
      isButton: true,
      tagName: "a",
      title: "Download the original",
      html: '<span aria-hidden="true">⤓</span>',
      onInit: (el) => {
        el.setAttribute("download", "");
        el.setAttribute("aria-label", "Download the original");
        pswp.on("change", () => {
          const url = pswp.currSlide.data.download;
          el.hidden = !url;
          el.href = url || "#";
        });
      },
    });
    pswp.ui.registerElement({
      name: "caption",
      order: 12,
      isButton: false,
      appendTo: "root",
      className: "pswp-caption",
      onInit: (el) => {
        pswp.on("change", () => {
          el.textContent = pswp.currSlide.data.alt || "";
        });
      },
    });
  });

  lightbox.on("beforeOpen", () => {
    scrolled = window.scrollY;
  });
  // Returning focus to the tile (PhotoSwipe does, after this) and going back in history
  // must not move the grid from where the person left it.
  lightbox.on("destroy", () => {
    setTimeout(() => window.scrollTo({ top: scrolled, behavior: "instant" }), 0);
  });
  lightbox.on("change", () => {
    const url = lightbox.pswp.currSlide.data.pageUrl;
    if (!url) return;
    if (!pushed) {
      history.pushState({ viewer: true }, "", url);
      pushed = true;
    } else {
      history.replaceState({ viewer: true }, "", url);
    }
  });
  lightbox.on("close", () => {
    stopSlideshow();
    if (pushed && !closingFromHistory) history.back();
    pushed = false;
    closingFromHistory = false;
  });
  window.addEventListener("popstate", () => {
    if (lightbox.pswp && pushed) {
      closingFromHistory = true;
      lightbox.pswp.close();
    }
  });
  lightbox.init();
  grid.dataset.viewerReady = "true";
}

start();
