/* Mon espace santé assistant: an embeddable, accessible chat widget. Plain JavaScript, no
 * build step. Embed it with:
 *
 *   <link rel="stylesheet" href="https://GATEWAY/widget/widget.css">
 *   <script src="https://GATEWAY/widget/widget.js" defer></script>
 *
 * Options (attributes of the script tag):
 *   data-target="#id"  show the widget inside this element, always open (inline mode);
 *                      without it, a launcher button opens a floating panel;
 *   data-open="true"   open the floating panel at once;
 *   data-gateway="url" the gateway's address (default: where widget.js comes from).
 *
 * Every text comes from texts.fr.json (checked by the FALC linter). A secret typed in the
 * masked field goes to the gateway only: never into the page's transcript nor into storage.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var STORAGE_KEY = "mesw-conversation";
  var PICTOGRAMS = ["calendar", "document", "lock", "phone", "help", "doctor", "child",
    "emergency", "message", "voice", "check", "warning"];

  function gatewayBase() {
    var explicit = script && script.getAttribute("data-gateway");
    if (explicit) return explicit.replace(/\/$/, "");
    if (script && script.src) return new URL(script.src, location.href).origin;
    return location.origin;
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "text") node.textContent = value;
      else if (name === "class") node.className = value;
      else node.setAttribute(name, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(child);
    });
    return node;
  }

  /* One sentence per line (SPEC §5): split on line breaks, then after each sentence end. */
  function sentences(text) {
    var out = [];
    String(text || "").split(/\n+/).forEach(function (line) {
      line.split(/(?<=[.!?…])\s+(?=[A-ZÀ-ÖØ-Þ0-9«"])/).forEach(function (part) {
        // French spacing: the space before ? ! : ; never breaks the line.
        part = part.trim().replace(/ ([?!:;»])/g, "\u00a0$1").replace(/« /g, "«\u00a0");
        if (part) out.push(part);
      });
    });
    return out;
  }

  function Widget(root, options) {
    this.root = root;
    this.base = options.base;
    this.inline = options.inline;
    this.t = options.texts;
    this.conversationId = null;
    this.rendered = {};
    this.lastId = 0;
    this.state = { voice: false, secret_input: null, handoff: "none" };
    this.events = null;
    this.audio = null;
    this.playingButton = null;
    this.voiceQueue = [];
    this.live = false; // messages arriving after the first load may be read aloud
    this.sending = false;
  }

  Widget.prototype.text = function (key) {
    return this.t[key] || "";
  };

  Widget.prototype.build = function () {
    var self = this;
    var t = this.text.bind(this);
    this.root.classList.add("mesw", this.inline ? "mesw-inline" : "mesw-floating");
    this.root.setAttribute("lang", "fr");

    if (!this.inline) {
      this.launcher = el("button", {
        type: "button", class: "mesw-launcher", "aria-expanded": "false",
        "aria-controls": "mesw-panel",
      }, [
        el("img", { src: this.base + "/widget/pictograms/message.svg", alt: "" }),
        el("span", { text: t("widget.launcher") }),
      ]);
      this.launcher.addEventListener("click", function () { self.open(true); });
      this.root.appendChild(this.launcher);
    }

    this.voiceSwitch = el("button", {
      type: "button", role: "switch", "aria-checked": "false", class: "mesw-switch",
    }, [el("span", { class: "mesw-switch-box", "aria-hidden": "true" }),
      el("span", { text: t("widget.voice") })]);
    this.voiceSwitch.addEventListener("click", function () { self.toggleVoice(); });

    var titleRow = el("div", { class: "mesw-title-row" }, [
      el("h2", { id: "mesw-title", text: t("widget.title") }),
    ]);
    if (!this.inline) {
      var close = el("button", {
        type: "button", class: "mesw-close", "aria-label": t("widget.close.label"),
      }, [el("span", { text: t("widget.close"), "aria-hidden": "true" })]);
      close.addEventListener("click", function () { self.close(); });
      titleRow.appendChild(close);
    }

    this.log = el("div", {
      class: "mesw-log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
      "aria-label": t("widget.log"), tabindex: "0", id: "mesw-log",
    });
    this.log.appendChild(this.messageNode({
      id: "welcome", from: "bot", text: t("widget.welcome"), buttons: [], pictogram: "help",
    }, { noAudio: true }));

    this.status = el("p", { class: "mesw-status", role: "status" });

    this.input = el("input", {
      id: "mesw-input", type: "text", autocomplete: "off", spellcheck: "true",
      placeholder: t("widget.input.placeholder"), "aria-describedby": "mesw-hint",
      enterkeyhint: "send",
    });
    this.label = el("label", { for: "mesw-input", id: "mesw-input-label",
      text: t("widget.input.label") });
    this.reveal = el("button", {
      type: "button", class: "mesw-reveal", "aria-pressed": "false", hidden: true,
      "aria-label": t("widget.secret.show.label"),
    }, [el("span", { text: t("widget.secret.show"), "aria-hidden": "true" })]);
    this.reveal.addEventListener("click", function () { self.toggleReveal(); });
    this.send = el("button", { type: "submit", class: "mesw-primary", text: t("widget.send") });
    this.hint = el("p", { id: "mesw-hint", class: "mesw-hint", hidden: true });
    sentences(t("widget.secret.hint")).forEach(function (line) {
      self.hint.appendChild(el("span", { text: line, class: "mesw-hint-line" }));
    });
    this.form = el("form", { class: "mesw-form", novalidate: true }, [
      this.label,
      el("div", { class: "mesw-row" }, [this.input, this.reveal, this.send]),
      this.hint,
    ]);
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.submitTyped();
    });

    this.panel = el("section", {
      id: "mesw-panel", class: "mesw-panel", "aria-labelledby": "mesw-title",
      hidden: !this.inline,
    }, [
      el("div", { class: "mesw-header" }, [titleRow, this.voiceSwitch]),
      this.log, this.status, this.form,
    ]);
    this.panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !self.inline) {
        event.preventDefault();
        self.close();
      }
    });
    this.root.appendChild(this.panel);
  };

  Widget.prototype.open = function (focus) {
    if (this.launcher) {
      this.panel.hidden = false;
      this.launcher.hidden = true;
      this.launcher.setAttribute("aria-expanded", "true");
    }
    this.scrollToEnd();
    if (focus) this.input.focus();
  };

  Widget.prototype.close = function () {
    if (!this.launcher) return;
    this.panel.hidden = true;
    this.launcher.hidden = false;
    this.launcher.setAttribute("aria-expanded", "false");
    this.stopAudio();
    this.launcher.focus();
  };

  /* Messages ---------------------------------------------------------------------------- */

  Widget.prototype.messageNode = function (message, opts) {
    var self = this;
    var t = this.text.bind(this);
    var from = message.from || "bot";
    var node = el("div", { class: "mesw-msg mesw-from-" + from, "data-id": String(message.id) });
    var sender = t("widget.sender." + from);
    if (from === "agent" && message.agent_name) sender = message.agent_name + " (3422)";
    node.appendChild(el("p", { class: "mesw-sender", text: sender }));

    var lines = el("div", { class: "mesw-lines" });
    sentences(message.text).forEach(function (line) {
      lines.appendChild(el("p", { text: line }));
    });
    var bubble = el("div", { class: "mesw-bubble" });
    if (message.pictogram && PICTOGRAMS.indexOf(message.pictogram) >= 0) {
      bubble.appendChild(el("img", {
        class: "mesw-picto", src: this.base + "/widget/pictograms/" + message.pictogram + ".svg",
        alt: t("picto." + message.pictogram), width: "48", height: "48",
      }));
    }
    bubble.appendChild(lines);
    node.appendChild(bubble);

    if (from !== "user" && !(opts && opts.noAudio) && message.audio_path && message.text) {
      var play = el("button", {
        type: "button", class: "mesw-play", "aria-label": t("widget.play.label"),
        "data-audio": this.base + message.audio_path,
      }, [el("span", { text: "▶ " + t("widget.play"), "aria-hidden": "true" })]);
      play.addEventListener("click", function () { self.togglePlay(play); });
      node.appendChild(el("div", { class: "mesw-actions" }, [play]));
    }

    if (from === "bot" && message.download && message.download.url) {
      // A file records made for the person (a vaccination certificate): a plain download link.
      node.appendChild(el("div", { class: "mesw-actions" }, [
        el("a", {
          class: "mesw-download", href: this.base + message.download.url, download: "",
          text: t("widget.download"),
        }),
      ]));
    }

    if (message.buttons && message.buttons.length) {
      var group = el("div", { class: "mesw-choices", role: "group", "aria-label": t("widget.choices") });
      message.buttons.forEach(function (button) {
        var b = el("button", { type: "button", text: button.title });
        b.addEventListener("click", function () { self.choose(button); });
        group.appendChild(b);
      });
      node.appendChild(group);
    }
    return node;
  };

  Widget.prototype.addMessage = function (message) {
    if (this.rendered[message.id]) return;
    this.rendered[message.id] = true;
    if (typeof message.id === "number" && message.id > this.lastId) this.lastId = message.id;
    var node = this.messageNode(message);
    if (this.live) node.classList.add("mesw-msg-new");
    this.log.appendChild(node);
    if (message.from === "user") this.pruneChoices();
    if (message.secret_input) this.setSecret(message.secret_input);
    if (this.live && message.from !== "user" && this.state.voice && message.audio_path) {
      this.enqueueVoice(this.base + (message.audio_url || message.audio_path));
    }
    this.scrollToEnd();
  };

  /* Choices stay only on the bot's messages after the user's last message: old buttons
     would lengthen the keyboard path and no longer mean anything. */
  Widget.prototype.pruneChoices = function () {
    var nodes = this.log.querySelectorAll(".mesw-msg");
    var seenUser = false;
    for (var i = nodes.length - 1; i >= 0; i--) {
      if (seenUser) {
        var group = nodes[i].querySelector(".mesw-choices");
        if (group) group.remove();
      } else if (nodes[i].classList.contains("mesw-from-user")) {
        seenUser = true;
      }
    }
  };

  Widget.prototype.scrollToEnd = function () {
    this.log.scrollTop = this.log.scrollHeight;
  };

  Widget.prototype.say = function (key) {
    /* A local message (the gateway cannot be reached): same look as the gateway's. */
    this.addMessage({ id: "local-" + Date.now(), from: "system", text: this.text(key),
      buttons: [], pictogram: "warning" });
  };

  /* Secret mode: a masked field; the secret never enters the transcript. */
  Widget.prototype.setSecret = function (secret) {
    this.state.secret_input = secret || null;
    var on = !!secret;
    this.form.classList.toggle("mesw-secret", on);
    this.input.value = "";
    this.input.type = on ? "password" : "text";
    var autocomplete = "off";
    if (on && secret.kind === "code") autocomplete = "one-time-code";
    else if (on) autocomplete = /^activation/.test(secret.purpose) ? "new-password" : "current-password";
    this.input.setAttribute("autocomplete", autocomplete);
    this.input.setAttribute("inputmode", on && secret.kind === "code" ? "numeric" : "text");
    this.input.spellcheck = !on;
    this.label.textContent = on
      ? this.text(secret.kind === "code" ? "widget.secret.code.label" : "widget.secret.password.label")
      : this.text("widget.input.label");
    this.hint.hidden = !on;
    this.reveal.hidden = !on;
    this.setReveal(false);
  };

  Widget.prototype.setReveal = function (shown) {
    this.reveal.setAttribute("aria-pressed", shown ? "true" : "false");
    this.reveal.setAttribute("aria-label",
      this.text(shown ? "widget.secret.hide.label" : "widget.secret.show.label"));
    this.reveal.firstChild.textContent = this.text(shown ? "widget.secret.hide" : "widget.secret.show");
    if (this.state.secret_input) this.input.type = shown ? "text" : "password";
  };

  Widget.prototype.toggleReveal = function () {
    this.setReveal(this.reveal.getAttribute("aria-pressed") !== "true");
  };

  Widget.prototype.applyState = function (state) {
    if (!state) return;
    this.state.voice = !!state.voice;
    this.state.handoff = state.handoff;
    this.voiceSwitch.setAttribute("aria-checked", this.state.voice ? "true" : "false");
    var current = this.state.secret_input;
    var next = state.secret_input || null;
    if ((current && current.purpose) !== (next && next.purpose)) this.setSecret(next);
  };

  /* Gateway calls --------------------------------------------------------------------------- */

  Widget.prototype.api = function (method, path, body) {
    var init = { method: method, headers: { Accept: "application/json" } };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(this.base + "/api" + path, init).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    });
  };

  Widget.prototype.start = function () {
    var self = this;
    var saved = null;
    try { saved = sessionStorage.getItem(STORAGE_KEY); } catch (e) { saved = null; }
    var load = saved
      ? this.api("GET", "/conversations/" + encodeURIComponent(saved))
      : Promise.resolve({ status: 404 });
    return load.then(function (result) {
      if (result.status === 200) return result;
      return self.api("POST", "/conversations");
    }).then(function (result) {
      if (result.status !== 200 && result.status !== 201) throw new Error("gateway");
      self.conversationId = result.data.conversation_id;
      try { sessionStorage.setItem(STORAGE_KEY, self.conversationId); } catch (e) { /* private mode */ }
      (result.data.messages || []).forEach(function (m) { self.addMessage(m); });
      self.pruneChoices();
      self.applyState(result.data);
      self.live = true;
      self.listen();
      self.root.setAttribute("data-ready", "true");
    }).catch(function () {
      self.live = true;
      self.say("widget.offline");
      self.root.setAttribute("data-ready", "true");
    });
  };

  /* Pushed messages (agent answers, reminders, answers to queued messages). */
  Widget.prototype.listen = function () {
    var self = this;
    if (!window.EventSource || this.events) return;
    var url = this.base + "/api/conversations/" + encodeURIComponent(this.conversationId) +
      "/events?after=" + this.lastId;
    this.events = new EventSource(url);
    this.events.addEventListener("message", function (event) {
      try { self.addMessage(JSON.parse(event.data)); } catch (e) { /* ignore a bad event */ }
    });
    this.events.addEventListener("state", function (event) {
      try { self.applyState(JSON.parse(event.data)); } catch (e) { /* ignore a bad event */ }
    });
  };

  Widget.prototype.post = function (body) {
    var self = this;
    this.sending = true;
    return this.api("POST", "/conversations/" + encodeURIComponent(this.conversationId) +
      "/messages", body).then(function (result) {
      if (result.status === 404) {
        try { sessionStorage.removeItem(STORAGE_KEY); } catch (e) { /* private mode */ }
      }
      if (result.status !== 200) {
        self.say(result.status === 422 ? "widget.empty" : "widget.offline");
        return false;
      }
      self.addMessage(result.data.user_message);
      (result.data.messages || []).forEach(function (m) { self.addMessage(m); });
      return true;
    }).catch(function () {
      self.say("widget.offline");
      return false;
    }).then(function (ok) {
      self.sending = false;
      return ok;
    });
  };

  Widget.prototype.submitTyped = function () {
    var self = this;
    var value = this.input.value;
    if (!value.trim()) {
      this.status.textContent = this.text("widget.empty");
      this.input.focus();
      return;
    }
    this.status.textContent = "";
    if (!this.conversationId) {
      this.say("widget.offline");
      return;
    }
    var wasSecret = !!this.state.secret_input;
    // Clear the field at once: a secret must not stay on screen.
    this.input.value = "";
    if (wasSecret) this.setSecret(null);
    this.post({ text: value }).then(function (ok) {
      if (!ok && !wasSecret) self.input.value = value; // nothing lost: the user can send again
    });
    value = null;
    this.input.focus();
  };

  Widget.prototype.choose = function (button) {
    this.status.textContent = "";
    if (this.state.secret_input) this.setSecret(null);
    // The chosen group disappears: focus goes back to the message field.
    this.input.focus();
    if (this.conversationId) this.post({ text: button.title, payload: button.payload });
  };

  /* Voice ----------------------------------------------------------------------------------- */

  Widget.prototype.toggleVoice = function () {
    var self = this;
    var enabled = this.voiceSwitch.getAttribute("aria-checked") !== "true";
    this.voiceSwitch.setAttribute("aria-checked", enabled ? "true" : "false");
    this.state.voice = enabled;
    if (!enabled) this.stopAudio();
    if (!this.conversationId) return;
    this.api("PUT", "/conversations/" + encodeURIComponent(this.conversationId) + "/voice",
      { enabled: enabled }).then(function (result) {
      if (result.status === 200) self.applyState(result.data);
    }).catch(function () { /* the switch keeps the user's choice locally */ });
  };

  Widget.prototype.stopAudio = function () {
    this.voiceQueue = [];
    if (this.audio) {
      this.audio.pause();
      this.audio = null;
    }
    if (this.playingButton) {
      this.playingButton.setAttribute("aria-label", this.text("widget.play.label"));
      this.playingButton.firstChild.textContent = "▶ " + this.text("widget.play");
      this.playingButton = null;
    }
  };

  Widget.prototype.playUrl = function (url, button) {
    var self = this;
    this.stopAudio();
    var audio = new Audio(url);
    this.audio = audio;
    if (button) {
      this.playingButton = button;
      button.setAttribute("aria-label", this.text("widget.stop.label"));
      button.firstChild.textContent = "■ " + this.text("widget.stop");
    }
    audio.addEventListener("ended", function () {
      if (self.audio !== audio) return;
      self.audio = null;
      var queued = self.voiceQueue.shift();
      if (button) self.stopAudio();
      if (queued) self.playUrl(queued, null);
    });
    audio.addEventListener("error", function () {
      if (self.audio !== audio) return;
      self.stopAudio();
      self.status.textContent = sentences(self.text("widget.audio.error")).join(" ");
    });
    var played = audio.play();
    if (played && played.catch) played.catch(function () { /* autoplay refused: the user can press play */ });
  };

  Widget.prototype.togglePlay = function (button) {
    if (this.playingButton === button) {
      this.stopAudio();
      return;
    }
    this.status.textContent = "";
    this.playUrl(button.getAttribute("data-audio"), button);
  };

  Widget.prototype.enqueueVoice = function (url) {
    if (this.audio) this.voiceQueue.push(url);
    else this.playUrl(url, null);
  };

  /* Start ------------------------------------------------------------------------------------ */

  function mount() {
    var base = gatewayBase();
    var targetSelector = script && script.getAttribute("data-target");
    var target = targetSelector ? document.querySelector(targetSelector) : null;
    var root = target || document.body.appendChild(document.createElement("div"));
    fetch(base + "/widget/texts.fr.json").then(function (r) { return r.json(); }).then(function (texts) {
      var widget = new Widget(root, { base: base, inline: !!target, texts: texts });
      widget.build();
      window.MonEspaceSanteWidget = widget;
      if (!target && script && script.getAttribute("data-open") === "true") widget.open(false);
      return widget.start();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
  else mount();
})();
