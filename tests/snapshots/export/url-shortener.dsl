workspace "url-shortener" "exported by archlint export structurizr" {
  model {
    c_browser = person "browser" "client" {
      tags "client"
    }
    system = softwareSystem "url-shortener" {
      group "edge" {
        c_edge = container "edge" "" "aws-alb" {
          tags "load_balancer"
        }
      }
      group "services" {
        c_api = container "api ×3–30" "" "go" {
          tags "service"
        }
        c_analytics_worker = container "analytics-worker ×2–10" "" "go" {
          tags "worker"
        }
      }
      group "data" {
        c_url_cache = container "url-cache ×2" "" "redis" {
          tags "cache"
        }
        c_url_db = container "url-db" "" "dynamodb" {
          tags "database"
        }
      }
      group "messaging" {
        c_clicks = container "clicks" "" "sqs" {
          tags "queue"
        }
        c_clicks_dlq = container "clicks-dlq" "" "sqs" {
          tags "queue"
        }
      }
    }
    c_browser -> c_edge "calls" "11.7k/s peak" {
      tags "calls"
    }
    c_edge -> c_api "calls" "11.7k/s peak" {
      tags "calls"
    }
    c_api -> c_url_cache "calls" "11.6k/s peak" {
      tags "calls"
    }
    c_api -> c_url_db "calls" "1.27k/s peak" {
      tags "calls"
    }
    c_api -> c_clicks "publishes" "11.6k/s peak" {
      tags "publishes,async"
    }
    c_clicks -> c_analytics_worker "consumes" "11.6k/s peak" {
      tags "consumes,async"
    }
    c_clicks -> c_clicks_dlq "dead_letters" "dead letters" {
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
