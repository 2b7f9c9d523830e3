export * from '../../src/emulators/telegram.js';
