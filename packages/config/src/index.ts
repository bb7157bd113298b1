export { parseMemory } from './memory';
