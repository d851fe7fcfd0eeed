#include "server/class_view/class_feed.h"

#include <algorithm>
#include <cassert>

#include "server/class_view/connection_diagnosis.h"
#include "server/class_view/feed_messages.h"
#include "server/class_view/json_text.h"

namespace chatkit {

ClassFeed::ClassFeed(uv_loop_t* loop, ClassRecorder& recorder, Settings settings)
    : loop_(loop), recorder_(recorder), settings_(std::move(settings)) {
  recorder_.set_listener(this);
}

ClassFeed::~ClassFeed() {
  recorder_.set_listener(nullptr);
  assert(pages_.empty() && timer_ == nullptr && "destroy the feed only after the bridge stopped");
}

ClassFeed::Page* ClassFeed::page_of(FeedSession& session) {
  for (const std::unique_ptr<Page>& page : pages_) {
    if (page->session == &session) return page.get();
  }
  return nullptr;
}

const std::optional<DiagnosisText>& ClassFeed::diagnosis(ConnectionRecord& record) {
  return diagnose_connection(record, settings_.stage, settings_.max_message_bytes);
}

// ---- Pages --------------------------------------------------------------------------------

void ClassFeed::on_feed_open(FeedSession& session) {
  auto page = std::make_unique<Page>();
  page->session = &session;
  const ClassViewLimits& limits = recorder_.limits();
  std::string hello = hello_head(settings_.stage, settings_.chat_address, limits.max_connections,
                                 limits.max_bytes, settings_.max_message_bytes);
  bool first = true;
  for (const std::unique_ptr<ConnectionRecord>& record : recorder_.records()) {
    if (!first) hello += ',';
    first = false;
    append_connection(hello, *record, ConnBytes{}, diagnosis(*record));
    page->sent[record->id] =
        Page::Sent{record->in.kept.size(), record->out.kept.size(), record->version};
  }
  hello += connections_tail();
  page->seen_version = recorder_.version();
  session.send_text(hello);
  pages_.push_back(std::move(page));
  if (timer_ == nullptr) {
    timer_ = new uv_timer_t;
    uv_timer_init(loop_, timer_);
    timer_->data = this;
    armed_ = false;
  }
}

void ClassFeed::on_feed_message(FeedSession& session, std::string_view text) {
  Page* page = page_of(session);
  if (page == nullptr) return;
  std::string why;
  const std::optional<FeedRequest> request = parse_feed_request(text, &why);
  if (!request) {
    session.close(1008, why);
    return;
  }
  if (session.queued_bytes() > kMaxQueuedForRequests) {
    session.close(1008, "the page asks for bytes faster than it reads them");
    return;
  }
  ConnectionRecord* record = recorder_.find(request->bytes_of);
  if (record == nullptr) {
    session.send_text(dropped_message({request->bytes_of}));
    return;
  }
  session.send_text(bytes_message(*record));
  // Later deltas go on from what the page has now.
  Page::Sent& sent = page->sent[record->id];
  sent.in = record->in.kept.size();
  sent.out = record->out.kept.size();
}

void ClassFeed::on_feed_closed(FeedSession& session) {
  pages_.erase(
      std::remove_if(pages_.begin(), pages_.end(),
                     [&](const std::unique_ptr<Page>& page) { return page->session == &session; }),
      pages_.end());
  if (pages_.empty() && timer_ != nullptr) {
    // A page opened later gets a timer of its own; this one frees itself once closed.
    uv_close(reinterpret_cast<uv_handle_t*>(timer_),
             [](uv_handle_t* handle) { delete reinterpret_cast<uv_timer_t*>(handle); });
    timer_ = nullptr;
    armed_ = false;
  }
}

// ---- Changes ------------------------------------------------------------------------------

void ClassFeed::on_recorded() {
  // Called for every recorded event: with no page open, or a tick already due, it does nothing.
  if (!armed_ && timer_ != nullptr) arm();
}

void ClassFeed::on_evicted(std::uint64_t id) {
  for (const std::unique_ptr<Page>& page : pages_) {
    if (page->sent.erase(id) > 0) page->dropped.push_back(id);
  }
}

void ClassFeed::arm() {
  // At most one update per page every kTick: the first change after a quiet spell waits for
  // the rest of the tick since the last one.
  const std::uint64_t now = uv_now(loop_);
  const auto tick = static_cast<std::uint64_t>(busy_ ? kBusyTick.count() : kTick.count());
  const std::uint64_t since = now - last_tick_ms_;
  armed_ = true;
  uv_timer_start(timer_, on_tick, since >= tick ? 0 : tick - since, 0);
}

void ClassFeed::on_tick(uv_timer_t* timer) {
  static_cast<ClassFeed*>(timer->data)->tick();
}

void ClassFeed::tick() {
  armed_ = false;
  last_tick_ms_ = uv_now(loop_);
  bool behind = false;
  // Copy the list: nothing here closes a session synchronously, but be safe against growth.
  std::vector<Page*> pages;
  for (const std::unique_ptr<Page>& page : pages_) pages.push_back(page.get());
  for (Page* page : pages) behind = update(*page) || behind;
  busy_ = behind;
  if (behind && timer_ != nullptr) arm();
}

bool ClassFeed::update(Page& page) {
  if (page.session->queued_bytes() > kMaxQueuedBytes) {
    page.behind = true;  // It reads slowly: nothing more until it has taken what it has.
    return true;
  }
  if (!page.dropped.empty()) {
    page.session->send_text(dropped_message(page.dropped));
    page.dropped.clear();
  }
  if (page.seen_version == recorder_.version() && !page.behind) return false;
  // The newest connections first (what the instructor is looking at): up to
  // kMaxConnectionsPerTick of those that changed or are owed bytes, and the byte budget for them;
  // the message lists them oldest first.
  const auto& records = recorder_.records();
  selected_.assign(records.size(), false);
  with_bytes_.assign(records.size(), false);
  std::size_t budget = kTickBudgetBytes;
  std::size_t rows = 0;
  bool behind = false;
  for (std::size_t i = records.size(); i-- > 0;) {
    const ConnectionRecord& record = *records[i];
    const auto found = page.sent.find(record.id);
    const Page::Sent sent = found != page.sent.end() ? found->second : Page::Sent{};
    const bool changed = found == page.sent.end() || record.version > sent.version;
    const std::size_t delta = (record.in.kept.size() - std::min(sent.in, record.in.kept.size())) +
                              (record.out.kept.size() - std::min(sent.out, record.out.kept.size()));
    if (!changed && delta == 0) continue;
    const bool fits = delta <= budget;
    // Unchanged but owed bytes there is no room for, or no row left this tick: a later tick.
    if ((!changed && !fits) || rows == kMaxConnectionsPerTick) {
      behind = true;
      continue;
    }
    ++rows;
    selected_[i] = true;
    if (fits) {
      budget -= delta;
      with_bytes_[i] = true;
    } else {
      behind = true;
    }
  }
  std::string message = update_head();
  const std::size_t empty_size = message.size();
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (!selected_[i]) continue;
    ConnectionRecord& record = *records[i];
    Page::Sent& sent = page.sent[record.id];
    const bool with_bytes = with_bytes_[i];
    if (message.size() > empty_size) message += ',';
    append_connection(message, record, ConnBytes{sent.in, sent.out, !with_bytes},
                      diagnosis(record));
    sent.version = record.version;
    if (with_bytes) {
      sent.in = record.in.kept.size();
      sent.out = record.out.kept.size();
    }
  }
  page.seen_version = recorder_.version();
  page.behind = behind;
  if (message.size() > empty_size) {
    message += connections_tail();
    page.session->send_text(message);
  }
  return behind;
}

}  // namespace chatkit
