#!/usr/bin/env node
// The `jachi` command: runs the TypeScript command line through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('../service/cli.ts');
