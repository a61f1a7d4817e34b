export * from './actor.ts';
export * from './api-key.ts';
export * from './naming.ts';
export * from './pointer.ts';
export * from './prediction.ts';
export * from './signature.ts';
