/*
 * Helpline (3422) console. Plain JavaScript, no build step.
 *
 * The agent's credential is an HttpOnly cookie set by the gateway: this script never sees it.
 * Every text comes from texts.fr.json (checked by the FALC linter). The queue is polled every
 * second and a half; an open conversation arrives on a server-sent events stream. New
 * messages are announced by the transcript's live region (role="log").
 */
(function () {
  "use strict";

  var API = "/api/console";
  var QUEUE_EVERY_MS = 1500;
  var T = {};
  var state = { agent: null, ticket: null, source: null, lastId: 0, timer: null, count: -1 };

  function $(id) { return document.getElementById(id); }

  function t(key, values) {
    var text = T[key] || "";
    Object.keys(values || {}).forEach(function (name) {
      text = text.split("{" + name + "}").join(String(values[name]));
    });
    return text;
  }

  function api(method, path, body) {
    var options = { method: method, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(API + path, options).then(function (response) {
      if (response.status === 204) return { status: 204, data: null };
      return response.json().then(
        function (data) { return { status: response.status, data: data }; },
        function () { return { status: response.status, data: null }; }
      );
    }, function () {
      return { status: 0, data: null };
    });
  }

  function errorText(result) {
    if (result.data && result.data.error && result.data.error.message) return result.data.error.message;
    return t("console.error.network");
  }

  function say(text) {
    var status = $("status");
    status.textContent = "";
    // A fresh text node, so screen readers announce the same sentence twice in a row too.
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  /* Login and logout ------------------------------------------------------------------- */

  function showLogin(message) {
    stopQueue();
    closeConversation(false);
    state.agent = null;
    $("who").hidden = true;
    $("desk").hidden = true;
    $("login-section").hidden = false;
    if (message) say(message);
    $("login").focus();
  }

  function showDesk(agent, focus) {
    state.agent = agent;
    $("agent-name").textContent = agent.display_name;
    $("who").hidden = false;
    $("login-section").hidden = true;
    $("desk").hidden = false;
    $("password").value = "";
    startQueue();
    if (focus) $("code").focus();
  }

  function sessionEnded(result) {
    if (result.status === 401) {
      showLogin(errorText(result));
      return true;
    }
    return false;
  }

  function onLogin(event) {
    event.preventDefault();
    var error = $("login-error");
    error.textContent = "";
    var login = $("login").value.trim();
    var password = $("password").value;
    if (!login || !password) {
      error.textContent = T["console.login.intro"];
      (login ? $("password") : $("login")).focus();
      return;
    }
    say(t("console.login.busy"));
    api("POST", "/session", { login: login, password: password }).then(function (result) {
      if (result.status === 200) {
        say("");
        showDesk(result.data, true);
      } else {
        error.textContent = errorText(result);
        $("password").value = "";
        $("password").focus();
      }
    });
  }

  function onLogout() {
    api("DELETE", "/session").then(function () {
      showLogin(t("console.logged_out"));
    });
  }

  /* Queue ----------------------------------------------------------------------------- */

  function waitingText(seconds) {
    var minutes = Math.floor(seconds / 60);
    if (minutes < 1) return t("console.waiting.now");
    if (minutes === 1) return t("console.waiting.one");
    return t("console.waiting.many", { minutes: minutes });
  }

  function takenText(item) {
    if (item.taken_by_me) return t("console.queue.you");
    return item.taken_by || t("console.queue.free");
  }

  function startQueue() {
    stopQueue();
    pollQueue();
    state.timer = window.setInterval(pollQueue, QUEUE_EVERY_MS);
  }

  function stopQueue() {
    if (state.timer) window.clearInterval(state.timer);
    state.timer = null;
  }

  function pollQueue() {
    api("GET", "/queue").then(function (result) {
      if (sessionEnded(result)) return;
      if (result.status === 200) renderQueue(result.data);
    });
  }

  function setCell(row, index, text) {
    var cell = row.cells[index];
    if (cell.textContent !== text) cell.textContent = text;
  }

  function renderQueue(items) {
    var body = $("queue-rows");
    var wanted = {};
    items.forEach(function (item) { wanted[item.ticket] = true; });
    Array.prototype.slice.call(body.rows).forEach(function (row) {
      if (!wanted[row.dataset.ticket]) body.removeChild(row);
    });
    items.forEach(function (item, index) {
      var row = body.querySelector('tr[data-ticket="' + CSS.escape(item.ticket) + '"]');
      if (!row) {
        row = document.createElement("tr");
        row.dataset.ticket = item.ticket;
        for (var i = 0; i < 4; i++) row.appendChild(document.createElement("td"));
        row.cells[2].className = "last";
        var action = document.createElement("td");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "open";
        button.textContent = t("console.queue.open");
        button.addEventListener("click", function () { openConversation(item.ticket); });
        action.appendChild(button);
        row.appendChild(action);
        if (body.rows[index]) body.insertBefore(row, body.rows[index]);
        else body.appendChild(row);
      }
      row.dataset.handoff = item.handoff;
      setCell(row, 0, t("console.channel." + item.channel) || item.channel);
      setCell(row, 1, waitingText(item.waiting_seconds));
      setCell(row, 2, item.last_user_text || t("console.queue.nothing"));
      setCell(row, 3, takenText(item));
      row.querySelector("button").setAttribute(
        "aria-label", t("console.queue.open.label", { number: index + 1 })
      );
    });
    if (items.length !== state.count) {
      state.count = items.length;
      $("queue-count").textContent = items.length === 0
        ? t("console.queue.empty")
        : items.length === 1 ? t("console.queue.count.one") : t("console.queue.count.many", { count: items.length });
    }
  }

  /* Find by code ---------------------------------------------------------------------- */

  function onFind(event) {
    event.preventDefault();
    var error = $("find-error");
    error.textContent = "";
    var code = $("code").value.trim();
    if (!code) {
      error.textContent = T["console.find.intro"];
      $("code").focus();
      return;
    }
    api("POST", "/lookup", { code: code }).then(function (result) {
      if (sessionEnded(result)) return;
      if (result.status === 200) {
        $("code").value = "";
        openConversation(result.data.ticket);
      } else {
        error.textContent = errorText(result);
        $("code").focus();
      }
    });
  }

  /* One conversation ------------------------------------------------------------------ */

  function openConversation(ticket) {
    closeConversation(false);
    state.ticket = ticket;
    state.lastId = 0;
    $("transcript").textContent = "";
    $("conversation-error").textContent = "";
    $("activation-error").textContent = "";
    $("conversation").hidden = false;
    $("take").hidden = false;
    $("give-back").hidden = true;
    $("message-form").hidden = true;
    $("activation").hidden = true;
    $("conversation-heading").focus();
    listen(ticket);
  }

  function listen(ticket) {
    var source = new EventSource(API + "/tickets/" + encodeURIComponent(ticket) + "/events");
    state.source = source;
    source.addEventListener("message", function (event) {
      addMessage(JSON.parse(event.data));
    });
    source.addEventListener("ticket", function (event) {
      renderTicket(JSON.parse(event.data));
    });
    source.addEventListener("closed", function () {
      ended();
    });
    source.onerror = function () {
      if (source.readyState !== EventSource.CLOSED || state.source !== source) return;
      // Refused (session over, or the conversation left the 3422): find out which.
      api("GET", "/session").then(function (result) {
        if (sessionEnded(result)) return;
        if (state.source === source) ended();
      });
    };
  }

  function ended() {
    if (state.source) state.source.close();
    state.source = null;
    $("take").hidden = true;
    $("give-back").hidden = true;
    $("message-form").hidden = true;
    $("activation").hidden = true;
    say(t("console.conversation.ended"));
  }

  function closeConversation(moveFocus) {
    if (state.source) state.source.close();
    state.source = null;
    state.ticket = null;
    $("conversation").hidden = true;
    if (moveFocus) $("queue-heading").focus();
  }

  function senderText(message) {
    if (message.from === "agent") {
      return message.agent_name ? message.agent_name + " (3422)" : t("console.sender.agent");
    }
    return t("console.sender." + message.from);
  }

  function addMessage(message) {
    if (message.id <= state.lastId) return;
    state.lastId = message.id;
    var item = document.createElement("div");
    item.className = "msg from-" + message.from;
    item.dataset.from = message.from;
    var sender = document.createElement("span");
    sender.className = "sender";
    sender.textContent = senderText(message);
    var text = document.createElement("span");
    text.className = "text";
    text.textContent = message.text;
    item.appendChild(sender);
    item.appendChild(text);
    if (message.masked) item.title = t("console.masked");
    var log = $("transcript");
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
  }

  function renderTicket(item) {
    $("conversation-channel").textContent = t("console.channel." + item.channel) || item.channel;
    $("conversation-taken").textContent = takenText(item);
    var mine = item.taken_by_me;
    $("take").hidden = mine;
    $("give-back").hidden = !mine;
    $("message-form").hidden = !mine;
    $("activation").hidden = !mine;
  }

  function ticketPath(suffix) {
    return "/tickets/" + encodeURIComponent(state.ticket) + suffix;
  }

  function onTake() {
    $("conversation-error").textContent = "";
    api("PUT", ticketPath("/agent")).then(function (result) {
      if (sessionEnded(result)) return;
      if (result.status === 200) {
        renderTicket(result.data);
        say(t("console.conversation.taken_ok"));
        $("message").focus();
      } else {
        $("conversation-error").textContent = errorText(result);
      }
    });
  }

  function onGiveBack() {
    api("DELETE", ticketPath("/agent")).then(function (result) {
      if (sessionEnded(result)) return;
      if (result.status === 204) {
        if (state.source) state.source.close();
        state.source = null;
        $("give-back").hidden = true;
        $("message-form").hidden = true;
        $("activation").hidden = true;
        $("take").hidden = true;
        say(t("console.conversation.given_back"));
        $("close").focus();
      } else {
        $("conversation-error").textContent = errorText(result);
      }
    });
  }

  function onSend(event) {
    event.preventDefault();
    var field = $("message");
    var text = field.value.trim();
    $("conversation-error").textContent = "";
    if (!text) {
      $("conversation-error").textContent = t("console.message.empty");
      field.focus();
      return;
    }
    api("POST", ticketPath("/messages"), { text: text }).then(function (result) {
      if (sessionEnded(result)) return;
      if (result.status === 201) {
        field.value = "";
        addMessage(result.data);
      } else {
        $("conversation-error").textContent = errorText(result);
      }
      field.focus();
    });
  }

  function onMessageKey(event) {
    // Enter sends, Shift+Enter goes to a new line.
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      $("message-form").requestSubmit();
    }
  }

  function onActivation(event) {
    event.preventDefault();
    var error = $("activation-error");
    error.textContent = "";
    var channel = document.querySelector('input[name="channel"]:checked');
    var body = {
      birth_date: $("birth-date").value,
      vitale_serial: $("serial").value.trim(),
      channel: channel ? channel.value : "sms"
    };
    api("POST", ticketPath("/activation"), body).then(function (result) {
      if (sessionEnded(result)) return;
      if (result.status === 201) {
        say(t("console.activation.started") + " " + (result.data.sent_to || ""));
      } else {
        error.textContent = errorText(result);
        $("birth-date").focus();
      }
    });
  }

  /* Start ----------------------------------------------------------------------------- */

  function start(texts) {
    T = texts;
    $("login-form").addEventListener("submit", onLogin);
    $("logout").addEventListener("click", onLogout);
    $("find-form").addEventListener("submit", onFind);
    $("take").addEventListener("click", onTake);
    $("give-back").addEventListener("click", onGiveBack);
    $("close").addEventListener("click", function () { closeConversation(true); });
    $("message-form").addEventListener("submit", onSend);
    $("message").addEventListener("keydown", onMessageKey);
    $("activation-form").addEventListener("submit", onActivation);
    api("GET", "/session").then(function (result) {
      if (result.status === 200) showDesk(result.data, false);
      else showLogin("");
      document.body.dataset.ready = "true";
    });
  }

  fetch("/console/static/texts.fr.json", { credentials: "same-origin" })
    .then(function (response) { return response.json(); })
    .then(start);
})();
