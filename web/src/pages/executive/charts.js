// Chart.js 4 with only what these pages draw registered (tree-shaken): the radar of function
// scores against the peer average and the loss exceedance curve on a logarithmic yen axis.
// Loaded only by the executive pages' chunks, never by the first page.
import {
  Chart, RadarController, LineController, RadialLinearScale, LinearScale, LogarithmicScale,
  PointElement, LineElement, Filler, Legend, Tooltip,
} from 'chart.js';

Chart.register(RadarController, LineController, RadialLinearScale, LinearScale, LogarithmicScale,
  PointElement, LineElement, Filler, Legend, Tooltip);
Chart.defaults.font.family = '"Noto Sans CJK JP", "Noto Sans JP", "Hiragino Sans", "Yu Gothic UI", Meiryo, system-ui, sans-serif';
Chart.defaults.color = '#1b1f24';
Chart.defaults.animation = false; // the figures are read, not watched; and screenshots are stable

export { Chart };
