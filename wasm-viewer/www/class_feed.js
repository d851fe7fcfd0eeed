// The class view's live feed: the WebSocket to chat-server's /class/ws, with this page's
// ?token=. It opens the socket, hands every JSON message to the page, and opens it again after it
// closes (after 0.5, 1, 2, then every 5 s). The messages themselves are described in class.js.
//
// A WebSocket that never opens does not say why. The feed then makes a plain request to the same
// address, whose answer is the server's own (403 and its reason for a missing or wrong token),
// and tells the page. A feed that never opened stops there (a wrong token stays wrong); one that
// worked before keeps trying, since the server may be restarting.
//
// The page hears of each event once, through the callbacks it gives:
//   onOpen()                   the socket opened (again)
//   onMessage(message)         a feed message, parsed (a message that is not JSON is dropped)
//   onClosed(reason)           a socket that was open closed; a new one is on its way
//   onRefused(status, body)    the socket did not open: the plain request's HTTP status (0: the
//                              server did not answer) and its body on one line, without the
//                              status line the server repeats in it

const kRetryMs = [500, 1000, 2000, 5000];

// The feed's WebSocket address: the host that served this page, with the page's ?token=.
export function feedUrl() {
  const token = new URLSearchParams(location.search).get('token');
  const query = token ? `?token=${encodeURIComponent(token)}` : '';
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/class/ws${query}`;
}

export class ClassFeed {
  constructor({ onOpen, onMessage, onClosed, onRefused }) {
    this.callbacks = { onOpen, onMessage, onClosed, onRefused };
    this.socket = null;
    this.retry = 0;
    this.everOpened = false;
  }

  connect() {
    const url = feedUrl();
    const socket = new WebSocket(url);
    this.socket = socket;
    let opened = false;
    socket.addEventListener('open', () => {
      opened = true;
      this.everOpened = true;
      this.retry = 0;
      this.callbacks.onOpen();
    });
    socket.addEventListener('message', (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        console.warn('class view: a feed message that is not JSON', String(event.data).slice(0, 80));
        return;
      }
      this.callbacks.onMessage(message);
    });
    socket.addEventListener('close', (event) => {
      if (socket !== this.socket) return;
      if (opened) {
        this.callbacks.onClosed(event.reason);
        this.scheduleReconnect();
      } else {
        this.askWhyRefused(url);
      }
    });
  }

  // Sends `message` as JSON; false when the socket is not open.
  send(message) {
    if (this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  scheduleReconnect() {
    const wait = kRetryMs[Math.min(this.retry, kRetryMs.length - 1)];
    ++this.retry;
    setTimeout(() => this.connect(), wait);
  }

  async askWhyRefused(url) {
    let status = 0;
    let body = '';
    try {
      const response = await fetch(url.replace(/^ws/, 'http'), { cache: 'no-store' });
      status = response.status;
      body = (await response.text()).replace(/\s+/g, ' ').replace(/^\d{3} [A-Za-z ]+? (?=[a-z])/, '').trim();
    } catch {
      status = 0;
    }
    this.callbacks.onRefused(status, body);
    if (this.everOpened) this.scheduleReconnect();
  }
}
