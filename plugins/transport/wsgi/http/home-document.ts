/**
 * The JSON-home documents of v2 (`GET /v2/`) and v1.1, resource for resource
 * as Zaqar 15 serves it. Admin resources are appended when `[DEFAULT]
 * admin_mode` is on.
 */
/* eslint-disable */

export const V2_PUBLIC_RESOURCES: Record<string, unknown> = {
  "rel/queues": {
    "href-template": "/v2/queues{?marker,limit,detailed}",
    "href-vars": {
      "marker": "param/marker",
      "limit": "param/queue_limit",
      "detailed": "param/detailed"
    },
    "hints": {
      "allow": [
        "GET"
      ],
      "formats": {
        "application/json": {}
      }
    }
  },
  "rel/queue": {
    "href-template": "/v2/queues/{queue_name}",
    "href-vars": {
      "queue_name": "param/queue_name"
    },
    "hints": {
      "allow": [
        "GET",
        "PUT",
        "DELETE",
        "PATCH"
      ],
      "formats": {
        "application/json": {}
      }
    }
  },
  "rel/queue_stats": {
    "href-template": "/v2/queues/{queue_name}/stats",
    "href-vars": {
      "queue_name": "param/queue_name"
    },
    "hints": {
      "allow": [
        "GET"
      ],
      "formats": {
        "application/json": {}
      }
    }
  },
  "rel/queue_share": {
    "href-template": "/v2/queues/{queue_name}/share",
    "href-vars": {
      "queue_name": "param/queue_name"
    },
    "hints": {
      "allow": [
        "POST"
      ],
      "formats": {
        "application/json": {}
      },
      "accept-post": [
        "application/json"
      ]
    }
  },
  "rel/queue_purge": {
    "href-template": "/v2/queues/{queue_name}/purge",
    "href-vars": {
      "queue_name": "param/queue_name"
    },
    "hints": {
      "allow": [
        "POST"
      ],
      "formats": {
        "application/json": {}
      },
      "accept-post": [
        "application/json"
      ]
    }
  },
  "rel/messages": {
    "href-template": "/v2/queues/{queue_name}/messages{?marker,limit,echo,include_claimed}",
    "href-vars": {
      "queue_name": "param/queue_name",
      "marker": "param/marker",
      "limit": "param/messages_limit",
      "echo": "param/echo",
      "include_claimed": "param/include_claimed"
    },
    "hints": {
      "allow": [
        "GET"
      ],
      "formats": {
        "application/json": {}
      }
    }
  },
  "rel/post_messages": {
    "href-template": "/v2/queues/{queue_name}/messages",
    "href-vars": {
      "queue_name": "param/queue_name"
    },
    "hints": {
      "allow": [
        "POST"
      ],
      "formats": {
        "application/json": {}
      },
      "accept-post": [
        "application/json"
      ]
    }
  },
  "rel/messages_delete": {
    "href-template": "/v2/queues/{queue_name}/messages{?ids,pop}",
    "href-vars": {
      "queue_name": "param/queue_name",
      "ids": "param/ids",
      "pop": "param/pop"
    },
    "hints": {
      "allow": [
        "DELETE"
      ],
      "formats": {
        "application/json": {}
      }
    }
  },
  "rel/message_delete": {
    "href-template": "/v2/queues/{queue_name}/messages/{message_id}{?claim}",
    "href-vars": {
      "queue_name": "param/queue_name",
      "message_id": "param/message_id",
      "claim": "param/claim_id"
    },
    "hints": {
      "allow": [
        "DELETE"
      ],
      "formats": {
        "application/json": {}
      }
    }
  },
  "rel/message_get": {
    "href-template": "/v2/queues/{queue_name}/messages/{message_id}",
    "href-vars": {
      "queue_name": "param/queue_name",
      "message_id": "param/message_id"
    },
    "hints": {
      "allow": [
        "GET"
      ],
      "formats": {
        "application/json": {}
      }
    }
  },
  "rel/claim": {
    "href-template": "/v2/queues/{queue_name}/claims/{claim_id}",
    "href-vars": {
      "queue_name": "param/queue_name",
      "claim_id": "param/claim_id"
    },
    "hints": {
      "allow": [
        "GET"
      ],
      "formats": {
        "application/json": {}
      }
    }
  },
  "rel/post_claim": {
    "href-template": "/v2/queues/{queue_name}/claims{?limit}",
    "href-vars": {
      "queue_name": "param/queue_name",
      "limit": "param/claim_limit"
    },
    "hints": {
      "allow": [
        "POST"
      ],
      "formats": {
        "application/json": {}
      },
      "accept-post": [
        "application/json"
      ]
    }
  },
  "rel/patch_claim": {
    "href-template": "/v2/queues/{queue_name}/claims/{claim_id}",
    "href-vars": {
      "queue_name": "param/queue_name",
      "claim_id": "param/claim_id"
    },
    "hints": {
      "allow": [
        "PATCH"
      ],
      "formats": {
        "application/json": {}
      },
      "accept-post": [
        "application/json"
      ]
    }
  },
  "rel/delete_claim": {
    "href-template": "/v2/queues/{queue_name}/claims/{claim_id}",
    "href-vars": {
      "queue_name": "param/queue_name",
      "claim_id": "param/claim_id"
    },
    "hints": {
      "allow": [
        "DELETE"
      ],
      "formats": {
        "application/json": {}
      }
    }
  },
  "rel/subscriptions_get": {
    "href-template": "/v2/queues/{queue_name}/subscriptions{?marker,limit}",
    "href-vars": {
      "queue_name": "param/queue_name",
      "marker": "param/marker",
      "limit": "param/subscription_limit"
    },
    "hints": {
      "allow": [
        "GET"
      ],
      "formats": {
        "application/json": {}
      }
    }
  },
  "rel/subscriptions_post": {
    "href-template": "/v2/queues/{queue_name}/subscriptions",
    "href-vars": {
      "queue_name": "param/queue_name",
      "limit": "param/subscription_limit"
    },
    "hints": {
      "allow": [
        "POST"
      ],
      "formats": {
        "application/json": {}
      },
      "accept-post": [
        "application/json"
      ]
    }
  },
  "rel/subscription": {
    "href-template": "/v2/queues/{queue_name}/subscriptions/{subscriptions_id}",
    "href-vars": {
      "queue_name": "param/queue_name",
      "subscriptions_id": "param/subscriptions_id"
    },
    "hints": {
      "allow": [
        "GET",
        "DELETE"
      ],
      "formats": {
        "application/json": {}
      }
    }
  },
  "rel/subscription_patch": {
    "href-template": "/v2/queues/{queue_name}/subscriptions/{subscriptions_id}",
    "href-vars": {
      "queue_name": "param/queue_name",
      "subscriptions_id": "param/subscriptions_id"
    },
    "hints": {
      "allow": [
        "PATCH"
      ],
      "formats": {
        "application/json": {}
      },
      "accept-post": [
        "application/json"
      ]
    }
  },
  "rel/ping": {
    "href-template": "/v2/ping",
    "hints": {
      "allow": [
        "GET"
      ],
      "formats": {
        "application/json": {}
      }
    }
  }
};

export const V2_ADMIN_RESOURCES: Record<string, unknown> = {
  "rel/pools": {
    "href-template": "/v2/pools{?detailed,limit,marker}",
    "href-vars": {
      "detailed": "param/detailed",
      "limit": "param/pool_limit",
      "marker": "param/marker"
    },
    "hints": {
      "allow": [
        "GET"
      ],
      "formats": {
        "application/json": {}
      }
    }
  },
  "rel/pool": {
    "href-template": "/v2/pools/{pool_name}",
    "href-vars": {
      "pool_name": "param/pool_name"
    },
    "hints": {
      "allow": [
        "GET",
        "PUT",
        "PATCH",
        "DELETE"
      ],
      "formats": {
        "application/json": {}
      }
    }
  },
  "rel/flavors": {
    "href-template": "/v2/flavors{?detailed,limit,marker}",
    "href-vars": {
      "detailed": "param/detailed",
      "limit": "param/flavor_limit",
      "marker": "param/marker"
    },
    "hints": {
      "allow": [
        "GET"
      ],
      "formats": {
        "application/json": {}
      }
    }
  },
  "rel/flavor": {
    "href-template": "/v2/flavors/{flavor_name}",
    "href-vars": {
      "flavor_name": "param/flavor_name"
    },
    "hints": {
      "allow": [
        "GET",
        "PUT",
        "PATCH",
        "DELETE"
      ],
      "formats": {
        "application/json": {}
      }
    }
  },
  "rel/health": {
    "href": "/v2/health",
    "hints": {
      "allow": [
        "GET"
      ],
      "formats": {
        "application/json": {}
      }
    }
  }
};

/** API v1.1 (`GET /v1.1/`; Zaqar's `zaqar.transport.wsgi.v1_1`). */
export const V1_1_PUBLIC_RESOURCES: Record<string, unknown> = {
  "rel/queues": {
    "href-template": "/v1.1/queues{?marker,limit,detailed}",
    "href-vars": {
      "marker": "param/marker",
      "limit": "param/queue_limit",
      "detailed": "param/detailed"
    },
    "hints": {
      "allow": [
        "GET"
      ],
      "formats": {
        "application/json": {}
      }
    }
  },
  "rel/queue": {
    "href-template": "/v1.1/queues/{queue_name}",
    "href-vars": {
      "queue_name": "param/queue_name"
    },
    "hints": {
      "allow": [
        "PUT",
        "DELETE"
      ],
      "formats": {
        "application/json": {}
      }
    }
  },
  "rel/queue_stats": {
    "href-template": "/v1.1/queues/{queue_name}/stats",
    "href-vars": {
      "queue_name": "param/queue_name"
    },
    "hints": {
      "allow": [
        "GET"
      ],
      "formats": {
        "application/json": {}
      }
    }
  },
  "rel/messages": {
    "href-template": "/v1.1/queues/{queue_name}/messages{?marker,limit,echo,include_claimed}",
    "href-vars": {
      "queue_name": "param/queue_name",
      "marker": "param/marker",
      "limit": "param/messages_limit",
      "echo": "param/echo",
      "include_claimed": "param/include_claimed"
    },
    "hints": {
      "allow": [
        "GET"
      ],
      "formats": {
        "application/json": {}
      }
    }
  },
  "rel/post_messages": {
    "href-template": "/v1.1/queues/{queue_name}/messages",
    "href-vars": {
      "queue_name": "param/queue_name"
    },
    "hints": {
      "allow": [
        "POST"
      ],
      "formats": {
        "application/json": {}
      },
      "accept-post": [
        "application/json"
      ]
    }
  },
  "rel/messages_delete": {
    "href-template": "/v1.1/queues/{queue_name}/messages{?ids,pop}",
    "href-vars": {
      "queue_name": "param/queue_name",
      "ids": "param/ids",
      "pop": "param/pop"
    },
    "hints": {
      "allow": [
        "DELETE"
      ],
      "formats": {
        "application/json": {}
      }
    }
  },
  "rel/message_delete": {
    "href-template": "/v1.1/queues/{queue_name}/messages/{message_id}{?claim}",
    "href-vars": {
      "queue_name": "param/queue_name",
      "message_id": "param/message_id",
      "claim": "param/claim_id"
    },
    "hints": {
      "allow": [
        "DELETE"
      ],
      "formats": {
        "application/json": {}
      }
    }
  },
  "rel/claim": {
    "href-template": "/v1.1/queues/{queue_name}/claims/{claim_id}",
    "href-vars": {
      "queue_name": "param/queue_name",
      "claim_id": "param/claim_id"
    },
    "hints": {
      "allow": [
        "GET"
      ],
      "formats": {
        "application/json": {}
      }
    }
  },
  "rel/post_claim": {
    "href-template": "/v1.1/queues/{queue_name}/claims{?limit}",
    "href-vars": {
      "queue_name": "param/queue_name",
      "limit": "param/claim_limit"
    },
    "hints": {
      "allow": [
        "POST"
      ],
      "formats": {
        "application/json": {}
      },
      "accept-post": [
        "application/json"
      ]
    }
  },
  "rel/patch_claim": {
    "href-template": "/v1.1/queues/{queue_name}/claims/{claim_id}",
    "href-vars": {
      "queue_name": "param/queue_name",
      "claim_id": "param/claim_id"
    },
    "hints": {
      "allow": [
        "PATCH"
      ],
      "formats": {
        "application/json": {}
      },
      "accept-post": [
        "application/json"
      ]
    }
  },
  "rel/delete_claim": {
    "href-template": "/v1.1/queues/{queue_name}/claims/{claim_id}",
    "href-vars": {
      "queue_name": "param/queue_name",
      "claim_id": "param/claim_id"
    },
    "hints": {
      "allow": [
        "DELETE"
      ],
      "formats": {
        "application/json": {}
      }
    }
  },
  "rel/ping": {
    "href-template": "/v1.1/ping",
    "hints": {
      "allow": [
        "GET"
      ],
      "formats": {
        "application/json": {}
      }
    }
  }
};

export const V1_1_ADMIN_RESOURCES: Record<string, unknown> = {
  "rel/pools": {
    "href-template": "/v1.1/pools{?detailed,limit,marker}",
    "href-vars": {
      "detailed": "param/detailed",
      "limit": "param/pool_limit",
      "marker": "param/marker"
    },
    "hints": {
      "allow": [
        "GET"
      ],
      "formats": {
        "application/json": {}
      }
    }
  },
  "rel/pool": {
    "href-template": "/v1.1/pools/{pool_name}",
    "href-vars": {
      "pool_name": "param/pool_name"
    },
    "hints": {
      "allow": [
        "GET",
        "PUT",
        "PATCH",
        "DELETE"
      ],
      "formats": {
        "application/json": {}
      }
    }
  },
  "rel/flavors": {
    "href-template": "/v1.1/flavors{?detailed,limit,marker}",
    "href-vars": {
      "detailed": "param/detailed",
      "limit": "param/flavor_limit",
      "marker": "param/marker"
    },
    "hints": {
      "allow": [
        "GET"
      ],
      "formats": {
        "application/json": {}
      }
    }
  },
  "rel/flavor": {
    "href-template": "/v1.1/flavors/{flavor_name}",
    "href-vars": {
      "flavor_name": "param/flavor_name"
    },
    "hints": {
      "allow": [
        "GET",
        "PUT",
        "PATCH",
        "DELETE"
      ],
      "formats": {
        "application/json": {}
      }
    }
  },
  "rel/health": {
    "href": "/v1.1/health",
    "hints": {
      "allow": [
        "GET"
      ],
      "formats": {
        "application/json": {}
      }
    }
  }
};
