export * from './naming.ts';
export * from './pointer.ts';
export * from './signature.ts';
export * from './prediction.ts';
export * from './api-key.ts';
export * from './actor.ts';
