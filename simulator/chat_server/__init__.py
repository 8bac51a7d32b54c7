"""The chat page on the offline simulator: a local server that speaks what the page speaks.

``python -m simulator chat`` (``make chat``) serves the built chat page (``web/chat-page/dist``)
with a ``config.json`` pointing at itself, and behind it:

* the **start-chat API** of the deployed stack (``POST /api/chats``), validated by the very module
  the start-chat function uses (``webchat.request``), answered with its Korean error messages;
* the **participant service subset** amazon-connect-chatjs uses (``/participant/connection``,
  ``message``, ``event``, ``transcript``, ``disconnect``) and its **websocket** (subscribe,
  heartbeat, deep ping, pushed ``aws/chat`` items) — ``web/chat-page/README.md`` lists the shapes;
* a **simulated contact per chat**: the real inbound flow in the simulator's interpreter with the
  real handlers, the Lex simulation and moto tables (:meth:`simulator.call.CallEnvironment.run`).

Why a thread per contact: the flow interpreter is synchronous and pulls the customer's next input
(``caller.next_input()``) in the middle of a block, while the customer types whenever they like.
Each chat runs its flow on its own thread whose caller blocks on a queue that the participant
``message`` endpoint feeds; the bot's prompts are pushed to the websocket as they are played.
One lock (the *engine lock*) is held by a flow thread whenever it runs and released while it waits
for the customer, so two chats never run simulator code at the same time: the process-wide
stand-ins (one moto backend, one Lambda process environment) are shared by all chats and entered
once when the server starts.

Modules: :mod:`.protocol` (pure shapes: items, frames, tokens), :mod:`.contacts` (the simulated
contacts and their threads), :mod:`.app` (the aiohttp routes and the server's life cycle).
"""

from pathlib import Path
from typing import Final

#: The built chat page (``make chat-page``), served at ``/``.
PAGE_DIR: Final = Path(__file__).resolve().parents[2] / "web" / "chat-page" / "dist"
