import type { Command } from 'commander';

// Placeholder until the issue that builds `report` lands.
export function registerReport(program: Command): void {
  program
    .command('report')
    .description('(not built yet)')
    .action(() => {
      throw new Error('bounce-pipeline report is not built yet');
    });
}
