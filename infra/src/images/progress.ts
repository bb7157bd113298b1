// The progress printer lives with the stack operations in @qraft/stack; the image builds print through the same one.
export { createProgress, silentProgress, type Progress } from '@qraft/stack';
