#include "server/host_resolver.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <memory>

#include "kit/net/address.h"

namespace chatkit {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::seconds kNameTtl{600};
constexpr std::chrono::seconds kFailureTtl{60};
constexpr std::size_t kMaxEntries = 4096;

// A post is "[time host] message", so a host must not contain a space or ']'. Reverse DNS is
// controlled by whoever owns the address block, so anything but a plain DNS name (letters,
// digits, '-', '.', '_'; at most 253 bytes) is not used: the post names the IP address instead.
bool is_plain_host_name(const char* host) {
  std::size_t length = 0;
  for (; host[length] != '\0'; ++length) {
    const char c = host[length];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '_';
    if (!ok || length >= 253) return false;
  }
  return length > 0;
}

}  // namespace

struct HostResolver::Request {
  uv_getnameinfo_t req{};
  HostResolver* resolver = nullptr;  // Null once the resolver has closed.
  std::string ip;
};

struct HostResolver::Entry {
  std::string ip;
  bool settled = false;  // `host` holds an answer (name or IP).
  std::string host;
  Clock::time_point expires;   // When settled: when to ask again.
  Clock::time_point deadline;  // When pending: when waiters get the IP instead.
  Request* request = nullptr;  // The lookup on the thread pool, if one is running.
  std::vector<Waiter> waiters;
};

HostResolver::HostResolver(uv_loop_t* loop, std::chrono::milliseconds deadline)
    : loop_(loop), deadline_(deadline) {
  uv_idle_init(loop_, &ready_idle_);
  ready_idle_.data = this;
  uv_timer_init(loop_, &deadline_timer_);
  deadline_timer_.data = this;
  open_handles_ = 2;
}

HostResolver::~HostResolver() {
  assert(open_handles_ == 0 && "close() the resolver before destroying it");
  for (auto& [ip, entry] : entries_) delete entry;
}

std::uint64_t HostResolver::lookup(const sockaddr* addr, Callback done) {
  const std::uint64_t ticket = next_ticket_++;
  const std::string ip = format_ip(addr);
  Entry*& slot = entries_[ip];
  if (slot == nullptr) {
    slot = new Entry;
    slot->ip = ip;
  }
  Entry& entry = *slot;
  const auto now = Clock::now();

  if (entry.settled && now < entry.expires) {
    ready_.push_back(Waiter{ticket, std::move(done), entry.host});
    uv_idle_start(&ready_idle_, on_ready);
    return ticket;
  }
  if (entry.settled) entry.settled = false;  // Expired: look it up again.
  entry.waiters.push_back(Waiter{ticket, std::move(done), {}});
  if (entry.waiters.size() == 1) {
    entry.deadline = now + deadline_;
    if (!uv_is_active(reinterpret_cast<uv_handle_t*>(&deadline_timer_))) {
      uv_timer_start(&deadline_timer_, on_deadline, static_cast<std::uint64_t>(deadline_.count()),
                     0);
    }
  }
  if (entry.request == nullptr) {
    auto* request = new Request;
    request->resolver = this;
    request->ip = ip;
    request->req.data = request;
    // NI_NAMEREQD: we want a name or an error, not the address echoed back as text.
    if (uv_getnameinfo(loop_, &request->req, on_nameinfo, addr, NI_NAMEREQD) == 0) {
      entry.request = request;
    } else {
      delete request;
      settle(entry, ip, kFailureTtl);
    }
  }
  return ticket;
}

void HostResolver::cancel(std::uint64_t ticket) {
  auto matches = [ticket](const Waiter& waiter) { return waiter.ticket == ticket; };
  ready_.erase(std::remove_if(ready_.begin(), ready_.end(), matches), ready_.end());
  for (auto& waiter : delivering_) {
    if (matches(waiter)) waiter.done = nullptr;
  }
  for (auto& [ip, entry] : entries_) {
    auto& waiters = entry->waiters;
    waiters.erase(std::remove_if(waiters.begin(), waiters.end(), matches), waiters.end());
  }
}

void HostResolver::settle(Entry& entry, const std::string& host, std::chrono::seconds ttl) {
  entry.settled = true;
  entry.host = host;
  entry.expires = Clock::now() + ttl;
  for (auto& waiter : entry.waiters) {
    waiter.host = host;
    ready_.push_back(std::move(waiter));
  }
  entry.waiters.clear();
  if (!ready_.empty() && !closing_) uv_idle_start(&ready_idle_, on_ready);
}

void HostResolver::on_nameinfo(uv_getnameinfo_t* req, int status, const char* host, const char*) {
  std::unique_ptr<Request> request(static_cast<Request*>(req->data));
  HostResolver* self = request->resolver;
  if (self == nullptr) return;  // The resolver closed while the lookup ran.
  auto found = self->entries_.find(request->ip);
  assert(found != self->entries_.end() && found->second->request == request.get());
  Entry& entry = *found->second;
  entry.request = nullptr;
  const bool named = status == 0 && host != nullptr && is_plain_host_name(host);
  const std::string answer = named ? host : entry.ip;
  if (!entry.settled) {
    self->settle(entry, answer, named ? kNameTtl : kFailureTtl);
  } else if (named) {
    // The deadline passed first and waiters got the IP; later posts get the name.
    entry.host = answer;
    entry.expires = Clock::now() + kNameTtl;
  }
}

void HostResolver::on_deadline(uv_timer_t* timer) {
  auto* self = static_cast<HostResolver*>(timer->data);
  const auto now = Clock::now();
  Clock::time_point next = Clock::time_point::max();
  for (auto& [ip, entry] : self->entries_) {
    if (entry->waiters.empty()) continue;
    if (entry->deadline <= now) {
      self->settle(*entry, entry->ip, kFailureTtl);
    } else {
      next = std::min(next, entry->deadline);
    }
  }
  if (next != Clock::time_point::max()) {
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count();
    uv_timer_start(timer, on_deadline, static_cast<std::uint64_t>(std::max<long long>(wait, 1)), 0);
  }
  // Keep the cache bounded: drop settled entries, oldest answers first, when it grows large.
  if (self->entries_.size() > kMaxEntries) {
    for (auto it = self->entries_.begin(); it != self->entries_.end();) {
      Entry* entry = it->second;
      if (entry->settled && entry->request == nullptr && entry->waiters.empty()) {
        delete entry;
        it = self->entries_.erase(it);
      } else {
        ++it;
      }
    }
  }
}

void HostResolver::on_ready(uv_idle_t* idle) {
  auto* self = static_cast<HostResolver*>(idle->data);
  uv_idle_stop(idle);
  self->delivering_.swap(self->ready_);
  for (std::size_t i = 0; i < self->delivering_.size(); ++i) {
    // A callback may cancel a later waiter (its connection closed): cancel() empties `done`.
    Callback done = std::move(self->delivering_[i].done);
    if (done) done(self->delivering_[i].host);
  }
  self->delivering_.clear();
}

void HostResolver::close(std::function<void()> done) {
  assert(!closing_);
  closing_ = true;
  close_done_ = std::move(done);
  ready_.clear();
  // close() may be called from a callback in the middle of a delivery: the rest of that batch
  // is cancelled too.
  for (auto& waiter : delivering_) waiter.done = nullptr;
  for (auto& [ip, entry] : entries_) {
    entry->waiters.clear();
    if (entry->request != nullptr) entry->request->resolver = nullptr;
    entry->request = nullptr;
  }
  auto on_close = [](uv_handle_t* handle) {
    auto* self = static_cast<HostResolver*>(handle->data);
    if (--self->open_handles_ == 0 && self->close_done_) self->close_done_();
  };
  uv_close(reinterpret_cast<uv_handle_t*>(&ready_idle_), on_close);
  uv_close(reinterpret_cast<uv_handle_t*>(&deadline_timer_), on_close);
}

}  // namespace chatkit
