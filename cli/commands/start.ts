import type { Command } from 'commander';

// Placeholder until the issue that builds `start` lands.
export function registerStart(program: Command): void {
  program
    .command('start')
    .description('(not built yet)')
    .action(() => {
      throw new Error('bounce-pipeline start is not built yet');
    });
}
