// The participant connection, through amazon-connect-chatjs (which bundles the AWS SDK's
// ConnectParticipant client and the websocket manager). See README.md for what it sends.

import "amazon-connect-chatjs"; // defines window.connect.ChatSession

/**
 * Create a customer chat session for `details` (from POST /chats) with `config`'s region, and
 * the local participant endpoint when config.json names one. `handlers` get chatjs's events.
 */
export function createSession(config, details, handlers, chatSession = globalThis.connect.ChatSession) {
  const globalConfig = {
    region: config.region,
    // Read/delivered receipts would be one more event per message; the page shows none.
    features: { messageReceipts: { shouldSendMessageReceipts: false } },
    loggerConfig: { level: chatSession.LogLevel ? chatSession.LogLevel.WARN : undefined },
  };
  if (config.participantEndpoint) {
    // chatjs keeps `endpoint` as its endpoint override for the participant client.
    globalConfig.endpoint = config.participantEndpoint;
  }
  chatSession.setGlobalConfig(globalConfig);
  const session = chatSession.create({
    chatDetails: {
      contactId: details.contactId,
      participantId: details.participantId,
      participantToken: details.participantToken,
    },
    type: "CUSTOMER",
    options: { region: config.region },
    // Client-side metrics inject an inline script and a shared worker: neither fits the page's CSP.
    disableCSM: true,
  });
  session.onMessage((event) => handlers.message(event.data));
  session.onTyping((event) => handlers.typing(event.data));
  session.onConnectionEstablished(() => handlers.connected());
  session.onConnectionBroken(() => handlers.broken());
  session.onEnded(() => handlers.ended());
  return session;
}
