import type { Command } from 'commander';

// Placeholder until the issue that builds `consume` lands.
export function registerConsume(program: Command): void {
  program
    .command('consume')
    .description('(not built yet)')
    .action(() => {
      throw new Error('bounce-pipeline consume is not built yet');
    });
}
