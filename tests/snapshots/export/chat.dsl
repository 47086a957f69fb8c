workspace "chat" "exported by archlint export structurizr" {
  model {
    c_app = person "app" "client" {
      tags "client"
    }
    c_push_service = softwareSystem "push-service" "APNs and Firebase Cloud Messaging." {
      tags "external"
    }
    system = softwareSystem "chat" {
      group "edge" {
        c_edge = container "edge" "" "aws-nlb" {
          tags "load_balancer"
        }
      }
      group "services" {
        c_chat_gateway = container "chat-gateway ×20–80" "Holds the phones' WebSockets (about 50k per instance); a phone reconnects to any instance." "go" {
          tags "service"
        }
        c_chat_api = container "chat-api ×3–12" "" "go" {
          tags "service"
        }
        c_delivery_worker = container "delivery-worker ×4–32" "" "go" {
          tags "worker"
        }
        c_push_worker = container "push-worker ×2–16" "" "go" {
          tags "worker"
        }
      }
      group "data" {
        c_presence = container "presence ×3" "user id -> the gateway holding the user's socket; refreshed by each heartbeat." "redis" {
          tags "cache"
        }
        c_messages_db = container "messages-db ×9" "Messages by conversation, ordered by sequence number; rows expire after 30 days." "cassandra" {
          tags "database"
        }
      }
      group "messaging" {
        c_messages = container "messages ×6" "" "kafka" {
          tags "stream"
        }
        c_messages_dlq = container "messages-dlq" "" "kafka" {
          tags "stream"
        }
        c_push_jobs = container "push-jobs" "" "sqs" {
          tags "queue"
        }
        c_push_dlq = container "push-dlq" "" "sqs" {
          tags "queue"
        }
      }
    }
    c_app -> c_edge "calls" "84.3k/s peak" {
      tags "calls"
    }
    c_edge -> c_chat_gateway "calls" "websocket · 80.8k/s peak" {
      tags "calls"
    }
    c_edge -> c_chat_api "calls" "3.47k/s peak" {
      tags "calls"
    }
    c_chat_gateway -> c_presence "calls" "60k/s peak" {
      tags "calls"
    }
    c_chat_gateway -> c_messages "publishes" "20.8k/s peak" {
      tags "publishes,async"
    }
    c_chat_api -> c_messages_db "calls" "3.47k/s peak" {
      tags "calls"
    }
    c_delivery_worker -> c_messages_db "calls" "20.8k/s peak" {
      tags "calls"
    }
    c_delivery_worker -> c_presence "calls" "20.8k/s peak" {
      tags "calls"
    }
    c_delivery_worker -> c_chat_gateway "calls" "14.6k/s peak" {
      tags "calls"
    }
    c_delivery_worker -> c_push_jobs "publishes" "6.25k/s peak" {
      tags "publishes,async"
    }
    c_messages -> c_delivery_worker "consumes" "20.8k/s peak" {
      tags "consumes,async"
    }
    c_push_worker -> c_push_service "calls" "6.25k/s peak" {
      tags "calls"
    }
    c_push_jobs -> c_push_worker "consumes" "6.25k/s peak" {
      tags "consumes,async"
    }
    c_messages -> c_messages_dlq "dead_letters" "dead letters" {
      tags "dead_letters,async"
    }
    c_push_jobs -> c_push_dlq "dead_letters" "dead letters" {
      tags "dead_letters,async"
    }
  }
  views {
    container system "containers" {
      include *
      autoLayout lr
    }
    styles {
      element "api_gateway" {
        shape Hexagon
      }
      element "cache" {
        shape Cylinder
      }
      element "cdn" {
        shape Hexagon
      }
      element "client" {
        shape Person
      }
      element "database" {
        shape Cylinder
      }
      element "dns" {
        shape Hexagon
      }
      element "external" {
        shape RoundedBox
      }
      element "function" {
        shape Ellipse
      }
      element "load_balancer" {
        shape Hexagon
      }
      element "object_storage" {
        shape Folder
      }
      element "queue" {
        shape Pipe
      }
      element "search" {
        shape Cylinder
      }
      element "stream" {
        shape Pipe
      }
      relationship "async" {
        style dashed
      }
      element "error" {
        stroke #d32f2f
        strokeWidth 6
      }
      relationship "error" {
        color #d32f2f
      }
      element "warning" {
        stroke #f57c00
        strokeWidth 6
      }
      relationship "warning" {
        color #f57c00
      }
      element "info" {
        stroke #1976d2
        strokeWidth 6
      }
      relationship "info" {
        color #1976d2
      }
    }
  }
}
