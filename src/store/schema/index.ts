export * from './audit.js';
export * from './cells.js';
export * from './conversation.js';
export * from './members.js';
export * from './outbox.js';
export * from './people.js';
