import type { Command } from 'commander';

// Placeholder until the issue that builds `produce` lands.
export function registerProduce(program: Command): void {
  program
    .command('produce')
    .description('(not built yet)')
    .action(() => {
      throw new Error('bounce-pipeline produce is not built yet');
    });
}
