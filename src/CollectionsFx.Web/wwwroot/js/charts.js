// Charts through ECharts (window.echarts) and process-map layout through dagre (window.dagre), both from npm
// (package.json pins them; the build copies them into wwwroot/lib). Blazor passes plain ECharts options as JSON.

const observers = new WeakMap();

function chartOf(element) {
    let chart = window.echarts.getInstanceByDom(element);
    if (!chart) {
        chart = window.echarts.init(element, null, { renderer: 'canvas' });
        const observer = new ResizeObserver(() => chart.resize());
        observer.observe(element);
        observers.set(element, observer);
    }
    return chart;
}

// Renders an ECharts option into element, replacing what was there; reports a click on a data point to .NET.
export function render(element, option, dotnet) {
    const chart = chartOf(element);
    chart.setOption(option, true);
    chart.off('click');
    if (dotnet) {
        chart.on('click', p => dotnet.invokeMethodAsync('OnPointClicked', p.seriesName ?? '', p.name ?? '', p.dataIndex ?? -1));
    }
    element.dataset.rendered = String(Number(element.dataset.rendered ?? 0) + 1);
}

export function dispose(element) {
    observers.get(element)?.disconnect();
    window.echarts.getInstanceByDom(element)?.dispose();
}

// A directly-follows graph laid out by dagre (top to bottom), drawn as an ECharts graph with fixed positions.
// graph: { nodes: [{ id, label, weight }], edges: [{ from, to, label, weight }] }; weights scale node size and edge width.
export function processMap(element, graph, dotnet) {
    const g = new window.dagre.graphlib.Graph();
    g.setGraph({ rankdir: 'TB', nodesep: 40, ranksep: 60, marginx: 20, marginy: 20 });
    g.setDefaultEdgeLabel(() => ({}));
    for (const n of graph.nodes) {
        g.setNode(n.id, { width: Math.max(140, n.label.length * 7.5), height: 44 });
    }
    for (const e of graph.edges) {
        if (e.from !== e.to) {
            g.setEdge(e.from, e.to);
        }
    }
    window.dagre.layout(g);
    // One layout unit = one pixel: the series box is the layout's size (ECharts would otherwise squeeze the positions into
    // the chart and leave the node sizes as they are, so nodes overlap), and the chart grows to hold it.
    const size = g.graph();
    element.style.height = `${Math.max(300, Math.ceil(size.height) + 20)}px`;
    window.echarts.getInstanceByDom(element)?.resize();
    const maxNode = Math.max(1, ...graph.nodes.map(n => n.weight));
    const maxEdge = Math.max(1, ...graph.edges.map(e => e.weight));
    const option = {
        tooltip: { formatter: p => p.dataType === 'edge' ? `${p.data.source} → ${p.data.target}: ${p.data.text}` : `${p.name}: ${p.data.text}` },
        series: [{
            type: 'graph', layout: 'none', roam: true, edgeSymbol: ['none', 'arrow'], edgeSymbolSize: 8,
            left: 'center', top: 10, width: size.width, height: size.height,
            label: { show: true, fontSize: 12, lineHeight: 16 },
            edgeLabel: { show: true, fontSize: 10, formatter: p => p.data.text, backgroundColor: 'rgba(255,255,255,0.85)', padding: [1, 3] },
            data: graph.nodes.map(n => {
                const pos = g.node(n.id);
                const shade = 0.25 + 0.75 * n.weight / maxNode;
                return {
                    name: n.id, x: pos.x, y: pos.y, text: n.label, symbol: 'roundRect', symbolSize: [pos.width, pos.height],
                    itemStyle: { color: `rgba(15,108,189,${shade.toFixed(2)})` },
                    label: { color: shade > 0.6 ? '#fff' : '#1b1b1b', formatter: n.id + '\n' + n.label },
                };
            }),
            links: graph.edges.filter(e => e.from !== e.to).map(e => ({
                source: e.from, target: e.to, text: e.label,
                lineStyle: { width: 1 + 6 * e.weight / maxEdge, curveness: 0.15, color: '#616161' },
            })),
        }],
    };
    render(element, option, dotnet);
}
