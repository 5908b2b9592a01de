import type { Command } from 'commander';

// Placeholder until the issue that builds `parse` lands.
export function registerParse(program: Command): void {
  program
    .command('parse')
    .description('(not built yet)')
    .action(() => {
      throw new Error('bounce-pipeline parse is not built yet');
    });
}
