workspace "naive-shop" "exported by archlint export structurizr" {
  model {
    c_web = person "web" "client" {
      tags "client"
    }
    system = softwareSystem "naive-shop" {
      group "edge" {
        c_gateway = container "gateway" "" "nginx" {
          tags "load_balancer,error,AVL002,SEC001,SEC002,SEC003"
        }
      }
      group "services" {
        c_accounts = container "accounts" "" "" {
          tags "service,warning,AVL005,DOC007"
        }
        c_catalog = container "catalog" "" "" {
          tags "service,warning,AVL001,AVL005,SCL005"
        }
        c_pricing = container "pricing" "" "" {
          tags "service,warning,AVL001,AVL005,SCL005"
        }
        c_promotions = container "promotions" "" "" {
          tags "service,warning,AVL001,AVL005,SCL005"
        }
        c_cart = container "cart" "" "" {
          tags "service,warning,AVL005,DOC007"
        }
        c_inventory = container "inventory" "" "" {
          tags "service,warning,AVL001,AVL005,SCL005"
        }
        c_orders = container "orders" "" "" {
          tags "service,warning,AVL001,AVL005,SCL005"
        }
        c_fraud = container "fraud" "" "" {
          tags "worker,warning,AVL001"
        }
        c_payments = container "payments" "" "" {
          tags "service,warning,AVL001,AVL005,SCL005"
        }
        c_search_indexer = container "search-indexer" "" "" {
          tags "worker,warning,AVL001"
        }
        c_notifications = container "notifications" "" "" {
          tags "worker,warning,AVL001"
        }
        c_invoicing = container "invoicing" "" "" {
          tags "worker,warning,AVL001"
        }
        c_shipping = container "shipping" "" "" {
          tags "worker,warning,DOC007"
        }
        c_analytics = container "analytics" "" "" {
          tags "worker,warning,DOC007"
        }
      }
      group "data" {
        c_search = container "search" "" "elasticsearch" {
          tags "search,warning,AVL001"
        }
        c_shop_db = container "shop-db" "" "postgres" {
          tags "database,warning,ARC002,DAT003,DAT005"
        }
      }
      group "messaging" {
        c_order_events = container "order-events" "" "kafka" {
          tags "stream,warning,ASY002,DAT005"
        }
        c_product_updates = container "product-updates" "" "kafka" {
          tags "stream,warning,ASY001,ASY002,DAT005"
        }
        c_fraud_checks = container "fraud-checks" "" "kafka" {
          tags "stream,warning,ASY001,ASY002,DAT005"
        }
        c_fraud_verdicts = container "fraud-verdicts" "" "kafka" {
          tags "stream,warning,ASY001,ASY002,DAT005"
        }
        c_payment_events = container "payment-events" "" "kafka" {
          tags "stream,warning,ASY002,DAT005"
        }
      }
    }
    c_web -> c_gateway "calls" "63/s peak" {
      tags "calls"
    }
    c_gateway -> c_catalog "calls" "60/s peak RES001" {
      tags "calls,warning"
    }
    c_gateway -> c_cart "calls" "RES001" {
      tags "calls,warning"
    }
    c_gateway -> c_orders "calls" "3/s peak RES001" {
      tags "calls,warning"
    }
    c_gateway -> c_accounts "calls" "RES001" {
      tags "calls,warning"
    }
    c_accounts -> c_shop_db "calls" "RES001 RES004" {
      tags "calls,warning"
    }
    c_catalog -> c_shop_db "calls" "RES001 RES004" {
      tags "calls,warning"
    }
    c_catalog -> c_search "calls" "60/s peak RES001 RES004" {
      tags "calls,warning"
    }
    c_catalog -> c_pricing "calls" "60/s peak RES001 RES004" {
      tags "calls,warning"
    }
    c_catalog -> c_product_updates "publishes" "60/s peak" {
      tags "publishes,async"
    }
    c_pricing -> c_promotions "calls" "60/s peak RES001 RES004" {
      tags "calls,warning"
    }
    c_promotions -> c_shop_db "calls" "60/s peak RES001 RES004" {
      tags "calls,warning"
    }
    c_cart -> c_pricing "calls" "RES001 RES004" {
      tags "calls,warning"
    }
    c_cart -> c_inventory "calls" "RES001 RES004" {
      tags "calls,warning"
    }
    c_inventory -> c_shop_db "calls" "3/s peak RES001 RES004" {
      tags "calls,warning"
    }
    c_inventory -> c_orders "calls" "ARC003 RES001 RES004" {
      tags "calls,error"
    }
    c_orders -> c_inventory "calls" "3/s peak RES004" {
      tags "calls,warning"
    }
    c_orders -> c_payments "calls" "3/s peak RES001 RES002 RES003 RES004" {
      tags "calls,warning"
    }
    c_orders -> c_order_events "publishes" "3/s peak" {
      tags "publishes,async"
    }
    c_orders -> c_fraud_checks "publishes" "3/s peak ASY001" {
      tags "publishes,async,warning"
    }
    c_fraud_verdicts -> c_orders "consumes" "3/s peak ASY003" {
      tags "consumes,async,warning"
    }
    c_fraud -> c_fraud_verdicts "publishes" "3/s peak" {
      tags "publishes,async"
    }
    c_fraud_checks -> c_fraud "consumes" "3/s peak ASY003" {
      tags "consumes,async,warning"
    }
    c_payments -> c_shop_db "calls" "3/s peak RES001 RES004" {
      tags "calls,warning"
    }
    c_payments -> c_payment_events "publishes" "3/s peak" {
      tags "publishes,async"
    }
    c_search_indexer -> c_search "calls" "60/s peak RES001" {
      tags "calls,warning"
    }
    c_product_updates -> c_search_indexer "consumes" "60/s peak ASY003" {
      tags "consumes,async,warning"
    }
    c_order_events -> c_notifications "consumes" "3/s peak ASY003" {
      tags "consumes,async,warning"
    }
    c_payment_events -> c_invoicing "consumes" "3/s peak ASY003" {
      tags "consumes,async,warning"
    }
    c_order_events -> c_shipping "consumes" "ASY003" {
      tags "consumes,async,warning"
    }
    c_payment_events -> c_analytics "consumes" "ASY003" {
      tags "consumes,async,warning"
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
