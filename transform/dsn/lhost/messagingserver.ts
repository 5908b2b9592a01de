// Oracle (Sun) Communications Messaging Server: "This report relates to a message you sent".
import { defineLhost } from './define.ts';

export const messagingserver = defineLhost({
  name: 'messagingserver',
  match: [
    ['text', /This report relates to a message you sent with the following header fields/i],
    ['h:content-type', /boundary="?Boundary_\(ID_/i],
  ],
  recipientLines: [/^\s*Recipient address:\s*<?(?<addr>[^\s<>@]+@[^\s<>]+?)>?\s*$/i],
});
