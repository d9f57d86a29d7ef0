// Installed in every page before its own scripts (Playwright's init script); the driver prepends
// `const benchExpectedEdges = N;`. It changes nothing on the page: it only records, with
// performance.now() timestamps (ms since the navigation started), what the driver reads back from
// window.__bench.
(() => {
  const bench = {
    wsIn: [],          // WebSocket frames received: [t, bytes]. Blazor Server's render batches come this way.
    wsOut: [],         // frames sent (events, render acks, JS interop answers): [t, bytes]
    mutations: [],     // MutationObserver callbacks, i.e. the DOM changed: [t, records]
    transforms: [],    // the diagram's zoom and pan (the HTML layer's style) as it changes: [t, style, painted t]
    samples: [],       // every 500 ms: [t, [data-service] elements, g.diagram-link elements]
    longTasks: [],     // [start, duration]
    frameGaps: [],     // gaps over 50 ms between animation frames (nothing painted meanwhile): [t, gap]
    input: [],         // [t, type, service] for pointerdown and wheel: the event's own timeStamp, when the browser took the
                       // input (a busy main thread dispatches it later; the wait counts), and the node it hit, if any
    loadPaintedAt: null, // the first paint after the load event (for the console: the prerendered HTML)
    fullAt: null,      // the first DOM change after which data-edges shows the expected count, with nodes and drawn links in the DOM
    fullPaintedAt: null,
    expect: null,      // set by the driver before a click: the service whose details should show
    detailsAt: null,   // the details panel first showing that service after the last pointerdown
    detailsPaintedAt: null,
  };
  window.__bench = bench;

  const Socket = window.WebSocket;
  const size = data => typeof data === 'string' ? data.length : (data.byteLength ?? data.size ?? 0);
  class CountingSocket extends Socket {
    constructor(...args) {
      super(...args);
      // Registered before SignalR assigns onmessage, so this runs first, when the frame is dispatched.
      this.addEventListener('message', e => bench.wsIn.push([performance.now(), size(e.data)]));
    }
    send(data) {
      bench.wsOut.push([performance.now(), size(data)]);
      return super.send(data);
    }
  }
  window.WebSocket = CountingSocket;

  // A rAF callback runs before the frame is painted; a task it posts runs after.
  const afterPaint = set => requestAnimationFrame(() => setTimeout(() => set(performance.now()), 0));

  const observer = new MutationObserver(records => {
    // Kept cheap: this runs inside the task that changed the DOM, so its time counts in that task.
    const now = performance.now();
    bench.mutations.push([now, records.length]);
    for (const r of records) {
      if (r.attributeName === 'style' && r.target.classList.contains('diagram-html-layer')) {
        const entry = [now, r.target.getAttribute('style'), null];
        bench.transforms.push(entry);
        afterPaint(t => entry[2] = t);
      }
    }
    const canvas = document.querySelector('[data-testid=topology-canvas]');
    if (canvas && bench.fullAt === null && canvas.dataset.edges === String(benchExpectedEdges)
        && document.querySelector('[data-service]') && document.querySelector('g.diagram-link path[d]')) {
      bench.fullAt = now;
      afterPaint(t => bench.fullPaintedAt = t);
    }
    if (bench.detailsAt === null && bench.expect !== null
        && document.querySelector('[data-testid=topology-details] .mesh-name')?.textContent.trim() === bench.expect) {
      bench.detailsAt = now;
      afterPaint(t => bench.detailsPaintedAt = t);
    }
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });

  new PerformanceObserver(list => {
    for (const e of list.getEntries()) bench.longTasks.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: true });

  let last = null;
  const frame = t => {
    if (last !== null && t - last > 50) bench.frameGaps.push([t, t - last]);
    last = t;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);

  window.addEventListener('load', () => afterPaint(t => bench.loadPaintedAt = t));
  for (const type of ['pointerdown', 'wheel']) {
    window.addEventListener(type, e => {
      bench.input.push([e.timeStamp, type, e.target.closest?.('[data-service]')?.dataset.service ?? null]);
      if (type === 'pointerdown') { bench.detailsAt = null; bench.detailsPaintedAt = null; }
    }, { capture: true, passive: true });
  }
  setInterval(() => bench.samples.push([performance.now(),
    document.querySelectorAll('[data-service]').length, document.querySelectorAll('g.diagram-link').length]), 500);

  // What the DOM holds now.
  bench.census = () => ({
    nodes: document.querySelectorAll('[data-service]').length,
    links: document.querySelectorAll('g.diagram-link').length,
    linkPaths: document.querySelectorAll('g.diagram-link path[d]').length,
    labels: document.querySelectorAll('g.diagram-link foreignObject').length,
    elements: document.getElementsByTagName('*').length,
    dataNodes: Number(document.querySelector('[data-testid=topology-canvas]')?.dataset.nodes ?? -1),
    dataEdges: Number(document.querySelector('[data-testid=topology-canvas]')?.dataset.edges ?? -1),
    jsHeapMib: performance.memory ? performance.memory.usedJSHeapSize / 1048576 : -1,
    transform: document.querySelector('.diagram-html-layer')?.getAttribute('style') ?? '',
    now: performance.now(),
    timeOrigin: performance.timeOrigin,
  });
})();
