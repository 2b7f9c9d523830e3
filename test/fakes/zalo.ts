export * from '../../src/emulators/zalo.js';
