/** `npm run playground`: the local playground on purpose, whatever tokens are set (see index.ts). */
import 'dotenv/config';
import { runPlayground } from './index.js';

void runPlayground(process.env, 'asked');
