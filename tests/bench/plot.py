"""Plots read transactions/s against concurrent clients for the three servers, as SVG.

    python3 tests/bench/plot.py build/bench-results/results.json docs/performance-clients.svg

compare.py calls write_svg() itself at the end of a run. The SVG is written by hand (standard
library only): both axes logarithmic (clients 1 to 64 in powers of two; transactions/s in powers
of ten, because the course's server is two orders of magnitude below the others).
"""

import json
import math
import sys
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 760, 460
LEFT, RIGHT, TOP, BOTTOM = 90, 190, 60, 70
STYLE = {
    "limit-server": ("#6b6b6b", "limit-server (epoll, the machine's ceiling)", "4 3"),
    "chat-server": ("#1f6fd1", "chat-server (reference, libuv)", ""),
    "python-server": ("#d1591f", "course's Python stage-3 server", ""),
}


def _ticks_log10(low, high):
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    return [10 ** e for e in range(first, last + 1)]


def write_svg(series, path, subtitle=""):
    """`series`: {server name: [{"clients": n, "transactions_per_second": x}, ...]}."""
    points = [p for values in series.values() for p in values if p["transactions_per_second"] > 0]
    if not points:
        raise ValueError("nothing to plot: no positive transactions/s")
    clients = sorted({p["clients"] for p in points})
    y_ticks = _ticks_log10(min(p["transactions_per_second"] for p in points),
                           max(p["transactions_per_second"] for p in points))
    x_low, x_high = math.log2(clients[0]), math.log2(clients[-1]) or 1.0
    y_low, y_high = math.log10(y_ticks[0]), math.log10(y_ticks[-1])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(n):
        span = (x_high - x_low) or 1.0
        return LEFT + (math.log2(n) - x_low) / span * plot_w

    def y_of(v):
        return TOP + plot_h - (math.log10(v) - y_low) / ((y_high - y_low) or 1.0) * plot_h

    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
           'font-family="sans-serif" font-size="13">' % (WIDTH, HEIGHT, WIDTH, HEIGHT),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="24" font-size="16" font-weight="bold">Stage-3 read transactions/s '
           'against concurrent clients</text>' % LEFT,
           '<text x="%d" y="42" fill="#555" font-size="11">1,000 posts of 48 B each; closed-loop '
           'clients (chat-load); %s</text>' % (LEFT, escape(subtitle))]
    for tick in y_ticks:
        y = y_of(tick)
        out.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#e3e3e3"/>'
                   % (LEFT, y, LEFT + plot_w, y))
        out.append('<text x="%d" y="%.1f" text-anchor="end">%s</text>'
                   % (LEFT - 8, y + 4, "{:,}".format(int(tick))))
    for n in clients:
        x = x_of(n)
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#e3e3e3"/>'
                   % (x, TOP, x, TOP + plot_h))
        out.append('<text x="%.1f" y="%d" text-anchor="middle">%d</text>' % (x, TOP + plot_h + 20, n))
    out.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#888"/>'
               % (LEFT, TOP, plot_w, plot_h))
    out.append('<text x="%d" y="%d" text-anchor="middle">concurrent clients</text>'
               % (LEFT + plot_w / 2, HEIGHT - 25))
    out.append('<text transform="translate(22 %d) rotate(-90)" text-anchor="middle">'
               'transactions per second (log scale)</text>' % (TOP + plot_h / 2))

    legend_y = TOP + 10
    for name in ("limit-server", "chat-server", "python-server"):
        if name not in series:
            continue
        color, label, dash = STYLE[name]
        values = [p for p in series[name] if p["transactions_per_second"] > 0]
        path_points = " ".join("%.1f,%.1f" % (x_of(p["clients"]), y_of(p["transactions_per_second"]))
                               for p in values)
        out.append('<polyline points="%s" fill="none" stroke="%s" stroke-width="2.5"%s/>'
                   % (path_points, color, ' stroke-dasharray="%s"' % dash if dash else ""))
        for p in values:
            out.append('<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"><title>%s, %d clients: '
                       '%.0f/s</title></circle>' % (x_of(p["clients"]), y_of(p["transactions_per_second"]),
                                                    color, name, p["clients"], p["transactions_per_second"]))
        lx = LEFT + plot_w + 14
        out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2.5"%s/>'
                   % (lx, legend_y, lx + 22, legend_y, color,
                      ' stroke-dasharray="%s"' % dash if dash else ""))
        words = label.split(" (")
        out.append('<text x="%d" y="%d">%s</text>' % (lx + 28, legend_y + 4, escape(words[0])))
        if len(words) > 1:
            out.append('<text x="%d" y="%d" fill="#555" font-size="11">(%s</text>'
                       % (lx + 28, legend_y + 18, escape(words[1])))
        legend_y += 44
    out.append("</svg>")
    with open(path, "w", encoding="utf-8") as svg:
        svg.write("\n".join(out) + "\n")


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    with open(argv[1]) as text:
        results = json.load(text)
    write_svg(results["figures"]["clients"]["series"], argv[2], subtitle=results.get("machine", ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
