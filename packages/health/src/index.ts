export { formatLatency } from './format-latency';
