import type { Command } from 'commander';

// Placeholder until the issue that builds `query` lands.
export function registerQuery(program: Command): void {
  program
    .command('query')
    .description('(not built yet)')
    .action(() => {
      throw new Error('bounce-pipeline query is not built yet');
    });
}
