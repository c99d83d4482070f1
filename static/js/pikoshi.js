// Pikoshi's small progressive enhancements. Every page works without this file.
"use strict";

document.addEventListener("click", (event) => {
  // Close the account menu when clicking elsewhere.
  document.querySelectorAll("details.account-menu[open]").forEach((menu) => {
    if (!menu.contains(event.target)) menu.removeAttribute("open");
  });
});

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") {
    document.querySelectorAll("details.account-menu[open]").forEach((menu) => {
      menu.removeAttribute("open");
      menu.querySelector("summary")?.focus();
    });
  }
});
