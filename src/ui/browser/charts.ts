/** A small live chart of one figure (0–100 %), drawn by uPlot. */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export class Spark {
  private readonly plot: uPlot;

  constructor(parent: HTMLElement, color: string, label: string) {
    const box = document.createElement('div');
    box.className = 'spark';
    box.setAttribute('role', 'img');
    box.setAttribute('aria-label', label);
    parent.append(box);
    this.plot = new uPlot(
      {
        width: 120,
        height: 36,
        pxAlign: false,
        cursor: { show: false },
        legend: { show: false },
        select: { show: false, left: 0, top: 0, width: 0, height: 0 },
        scales: { x: { time: false }, y: { range: [0, 100] } },
        axes: [{ show: false }, { show: false }],
        series: [{}, { stroke: color, width: 1.5, fill: `${color}22`, points: { show: false } }],
      },
      [[], []],
      box,
    );
  }

  set(times: number[], values: (number | null)[]): void {
    this.plot.setData([times, values]);
  }
}
