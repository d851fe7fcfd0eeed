// ConnectionPhase: where a Connection (server/connection.h) is, from accept to release, and the
// moves between phases it may make. Connection::enter() asserts every move against
// connection_allows(); the table lives here, apart from the sockets, so that tests can check it.
//
// Phases only move forward, along these transitions:
//   kNew        -> kConversing: accepted (kClosing: accepting failed; kClosed: there was no
//                  socket to accept into, and only the idle timer closes)
//   kConversing -> kAwaitingHost: stage 3, the post came before its sender's host name
//               -> kStoring: stage 3, the post went to the store (from kAwaitingHost too)
//               -> kFinishing: the conversation is over (from kStoring too: the post was stored
//                  and its acknowledgement is queued)
//   any phase before kClosing -> kClosing: close(), a refused post's reset, or kFinishing's
//                  output queue ran dry
//   any phase before kClosed  -> kClosed: the stream closed. Before kClosing only when the
//                  chaos writer ended the stream: a broken network tells the server nothing, so
//                  the conversation goes on until the stream is gone.
#ifndef CHATKIT_SERVER_CONNECTION_PHASE_H_
#define CHATKIT_SERVER_CONNECTION_PHASE_H_

namespace chatkit {

enum class ConnectionPhase {
  kNew,           // start() not called yet.
  kConversing,    // Reading the client's one frame; the history may be going out.
  kAwaitingHost,  // Stage 3: the post waits for the reverse lookup of its sender's name.
  kStoring,       // Stage 3: the post is with the store.
  kFinishing,     // Nothing more to read: the output queue drains, then the FIN.
  kClosing,       // The stream is closing (or sending its FIN); the close reason is known.
  kClosed,        // The stream is closed; the idle timer closes, then the server releases it.
};

// Whether a connection in phase `from` may move to phase `to`.
constexpr bool connection_allows(ConnectionPhase from, ConnectionPhase to) {
  using P = ConnectionPhase;
  switch (from) {
    case P::kNew:
      return to == P::kConversing || to == P::kClosing || to == P::kClosed;
    case P::kConversing:
      return to == P::kAwaitingHost || to == P::kStoring || to == P::kFinishing ||
             to == P::kClosing || to == P::kClosed;
    case P::kAwaitingHost:
      return to == P::kStoring || to == P::kClosing || to == P::kClosed;
    case P::kStoring:
      return to == P::kFinishing || to == P::kClosing || to == P::kClosed;
    case P::kFinishing:
      return to == P::kClosing || to == P::kClosed;
    case P::kClosing:
      return to == P::kClosed;
    case P::kClosed:
      return false;
  }
  return false;
}

}  // namespace chatkit

#endif  // CHATKIT_SERVER_CONNECTION_PHASE_H_
